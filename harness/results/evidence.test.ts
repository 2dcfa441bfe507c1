import { describe, expect, it } from "vitest";
import { cellZoneFiles, digAnswers } from "./evidence.ts";

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

describe("the zones a cell's evidence links", () => {
  const files = [
    "root.zone.signed",
    "test.zone.signed",
    "lab.test.zone.signed",
    "lab.test.zone",
    "remote.test.zone.signed",
    "dns-faults-no-ds.remote.test.zone.signed",
    "dns-faults-cname-mx.remote.test.zone.signed",
    "_tcp.mx.dns-faults-tlsa-servfail.remote.test.zone.signed",
    "dns-faults-tlsa-servfail.remote.test.zone.signed",
    "_smimecert.smime-encrypt-recipient-bogus.remote.test.zone.signed",
    "smime-smimea-bogus.lab.test.zone.signed",
  ];

  it("takes the zones on the way to the cell's domains and those below its own, not other cases'", () => {
    expect(cellZoneFiles(files, { domain: "dns-faults-tlsa-servfail.remote.test" })).toEqual([
      "root.zone.signed",
      "test.zone.signed",
      "lab.test.zone.signed",
      "remote.test.zone.signed",
      "_tcp.mx.dns-faults-tlsa-servfail.remote.test.zone.signed",
      "dns-faults-tlsa-servfail.remote.test.zone.signed",
    ]);
    // An S/MIME case: the recipient's SMIMEA child zone, and the sender's own lab domain.
    expect(cellZoneFiles(files, { domain: "smime-smimea-bogus.remote.test" })).toContain(
      "smime-smimea-bogus.lab.test.zone.signed",
    );
    expect(cellZoneFiles(files, { domain: "smime-encrypt-recipient-bogus.remote.test" })).toContain(
      "_smimecert.smime-encrypt-recipient-bogus.remote.test.zone.signed",
    );
  });
});
