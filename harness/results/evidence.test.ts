import { describe, expect, it } from "vitest";
import { digAnswers } from "./evidence.ts";

// dig +multiline with several queries: one header, then one ";; Got answer:" block per answer; a
// query that timed out leaves only an error line.
const out = `
; <<>> DiG 9.18.49-1~deb12u3-Debian <<>> +dnssec +multiline @192.0.2.10 _25._tcp.mx.a.remote.test TLSA a.remote.test MX _25._tcp.mx.b.remote.test TLSA
; (1 server found)
;; global options: +cmd
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1

;; QUESTION SECTION:
;_25._tcp.mx.a.remote.test. IN TLSA

;; ANSWER SECTION:
_25._tcp.mx.a.remote.test. 286 IN TLSA 3 1 1 (
				D798CD7D )

;; MSG SIZE  rcvd: 280

;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 2
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1

;; QUESTION SECTION:
;A.remote.test.		IN MX

;; ANSWER SECTION:
a.remote.test. 285	IN MX 10 mx.a.remote.test.

;; MSG SIZE  rcvd: 120

;; communications error to 192.0.2.10#53: timed out
;; no servers could be reached
`;

describe("the DNS records a cell's evidence shows", () => {
  it("splits dig's answers to several queries by their question, and leaves out what got none", () => {
    const a = digAnswers(out);
    expect([...a.keys()]).toEqual(["_25._tcp.mx.a.remote.test. TLSA", "a.remote.test. MX"]);
    expect(a.get("_25._tcp.mx.a.remote.test. TLSA")).toMatch(/^;; Got answer:[^]*TLSA 3 1 1[^]*rcvd: 280\n$/);
    expect(a.get("a.remote.test. MX")).not.toContain("TLSA 3 1 1");
    expect(a.has("_25._tcp.mx.b.remote.test. TLSA")).toBe(false);
  });
});
