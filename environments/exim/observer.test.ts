import { describe, expect, it } from "vitest";
import { deliveryOf } from "./observer.ts";

// Real lines from Exim 4.96 (Debian exim4-daemon-light) as the lab's sender in sequence 17,
// interleaved as they were: one verified delivery, one DANE mismatch, one still in flight.
const LOG = `2026-11-29 18:05:55.618 [5164] exim 4.96 daemon started: pid=5164, listening for SMTP on [192.0.2.12]:25
2026-11-29 18:05:56.258 [5200] 1xXjHg-0001Ls-0k <= alice@exim.lab.test H=([127.0.0.1]) [192.0.2.30] P=esmtp S=654 id=0505e187c97ee8760aa0dd25ecda3149@lab.test for bob@seq17-dane-ee-valid.remote.test
2026-11-29 18:05:56.280 [5201] 1xXjHg-0001Lt-0j <= alice@exim.lab.test H=([127.0.0.1]) [192.0.2.30] P=esmtp S=682 id=5f2ff788ad7a8c141f4af4cd9869f5d7@lab.test for bob@seq17-dane-ee-wrong-digest.remote.test
2026-11-29 18:05:56.947 [5255] 1xXjHg-0001Ml-2l <= alice@exim.lab.test H=([127.0.0.1]) [192.0.2.30] P=esmtp S=706 id=64f8d0422e4d6cd1eff9d00c26e03727@lab.test for bob@seq17-dane-ee-rollover-withdrawn.remote.test
2026-11-29 18:05:57.825 [5277] 1xXjHg-0001Lt-0j DANE attempt failed; TLS connection to mx.seq17-dane-ee-wrong-digest.remote.test [198.51.100.2]: (certificate verification failed): Verification failed. The certificate differs. 
2026-11-29 18:05:57.870 [5240] 1xXjHg-0001Ls-0k => bob@seq17-dane-ee-valid.remote.test R=dnslookup T=remote_smtp H=mx.seq17-dane-ee-valid.remote.test DS [198.51.100.1] X=TLS1.3:ECDHE_SECP256R1__RSA_PSS_RSAE_SHA256__AES_256_GCM:256 CV=dane DN="CN=mx.seq17-dane-ee-valid.remote.test" K C="250 2.0.0 Ok: 672 bytes queued as 766C0168484" DT=0.809s
2026-11-29 18:05:57.896 [5240] 1xXjHg-0001Ls-0k Completed
2026-11-29 18:05:58.043 [5215] 1xXjHg-0001Lt-0j == bob@seq17-dane-ee-wrong-digest.remote.test R=dnslookup T=remote_smtp defer (-37) H=mx.seq17-dane-ee-wrong-digest.remote.test DS [198.51.100.2] DT=0.563s: TLS session: (certificate verification failed): Verification failed. The certificate differs. 
`;

// The weakened sender ("may": TLSA ignored) delivering the wrong-digest twin: a real line. The
// lines after it are written in the same format for outcomes seq 17 does not produce.
const WEAK = `2026-11-29 18:08:26.090 [14663] 1xXjK4-0003oE-0S => bob@seq17-dane-ee-wrong-digest.remote.test R=dnslookup T=remote_smtp H=mx.seq17-dane-ee-wrong-digest.remote.test DS [198.51.100.2] X=TLS1.3:ECDHE_SECP256R1__RSA_PSS_RSAE_SHA256__AES_256_GCM:256 CV=no DN="CN=mx.seq17-dane-ee-wrong-digest.remote.test" K C="250 2.0.0 Ok: 700 bytes queued as B1E2B16880A" DT=1.125s
2026-11-29 18:20:01.200 [701] 1xXjZZ-0002Ab-0b => bob@plain.remote.test R=dnslookup T=remote_smtp H=mx.plain.remote.test [198.51.100.20] K C="250 2.0.0 Ok: 600 bytes queued as 5A1B2168401" DT=0.050s
2026-11-29 18:20:01.300 [702] 1xXjZZ-0002Ac-0c == bob@gone.remote.test R=dnslookup T=remote_smtp defer (-53): retry time not reached for any host for 'gone.remote.test'
2026-11-29 18:20:01.400 [703] 1xXjZZ-0002Ad-0d ** bob@nobody.remote.test R=dnslookup T=remote_smtp H=mx.nobody.remote.test DS [198.51.100.21] X=TLS1.3:ECDHE_SECP256R1__RSA_PSS_RSAE_SHA256__AES_256_GCM:256 CV=dane DN="CN=mx.nobody.remote.test" DT=0.090s: SMTP error from remote mail server after RCPT TO:<bob@nobody.remote.test>: 550 5.1.1 <bob@nobody.remote.test>: Recipient address rejected: User unknown
`;

describe("Exim observer", () => {
  it("reads a DANE-verified delivery: CV=dane on the => line, the server's 250 as the reason", () => {
    const d = deliveryOf(LOG, "1xXjHg-0001Ls-0k")!;
    expect(d).toMatchObject({
      status: "sent",
      tls: "verified",
      reason: "250 2.0.0 Ok: 672 bytes queued as 766C0168484",
      relay: "mx.seq17-dane-ee-valid.remote.test[198.51.100.1]",
    });
    expect(d.lines).toHaveLength(2);
    expect(d.lines[1]).toContain("CV=dane");
  });

  it("reads a DANE mismatch as a deferral with verification-failed, in Exim's words", () => {
    const d = deliveryOf(LOG, "1xXjHg-0001Lt-0j")!;
    expect(d).toMatchObject({
      status: "deferred",
      tls: "verification-failed",
      reason: "TLS session: (certificate verification failed): Verification failed. The certificate differs.",
    });
    expect(d.lines.map((l) => l.split(" ")[4])).toEqual(["<=", "DANE", "=="]);
  });

  it("has no answer while a message has no final status", () => {
    expect(deliveryOf(LOG, "1xXjHg-0001Ml-2l")).toBeUndefined();
    expect(deliveryOf(LOG, "1xXjHg-9999Zz-9z")).toBeUndefined();
  });

  it("reads TLS without verification as untrusted, and no X= as cleartext", () => {
    expect(deliveryOf(WEAK, "1xXjK4-0003oE-0S")).toMatchObject({ status: "sent", tls: "untrusted" });
    expect(deliveryOf(WEAK, "1xXjZZ-0002Ab-0b")).toMatchObject({ status: "sent", tls: "none" });
  });

  it("does not call a deferral without a verification failure one", () => {
    expect(deliveryOf(WEAK, "1xXjZZ-0002Ac-0c")).toMatchObject({
      status: "deferred",
      tls: "unknown",
      reason: "retry time not reached for any host for 'gone.remote.test'",
    });
  });

  it("reads a bounce with the TLS state of its session and the server's rejection", () => {
    const d = deliveryOf(WEAK, "1xXjZZ-0002Ad-0d")!;
    expect(d).toMatchObject({ status: "bounced", tls: "verified" });
    expect(d.reason).toMatch(/^SMTP error from remote mail server after RCPT TO:.*550 5\.1\.1/);
  });

  it("takes the first attempt's status when a later queue run logs another", () => {
    const later = `${LOG}2026-11-29 19:05:58.000 [9000] 1xXjHg-0001Lt-0j == bob@seq17-dane-ee-wrong-digest.remote.test R=dnslookup T=remote_smtp defer (-53): retry time not reached\n`;
    expect(deliveryOf(later, "1xXjHg-0001Lt-0j")).toMatchObject({ tls: "verification-failed" });
  });
});
