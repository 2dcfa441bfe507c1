import { describe, expect, it } from "vitest";
import { deliveryOf, receptionOf } from "./observer.ts";

const SENDER = `Nov 29 17:37:26 mta postfix/smtp[100]: Verified TLS connection established to mx.a.remote.test[192.0.2.22]:25: TLSv1.3
Nov 29 17:37:26 mta postfix/smtp[101]: server certificate verification failed for mx.b.remote.test[192.0.2.22]:25: num=65:no matching DANE TLSA records
Nov 29 17:37:26 mta postfix/smtp[101]: Untrusted TLS connection established to mx.b.remote.test[192.0.2.22]:25: TLSv1.3
Nov 29 17:37:26 mta postfix/smtp[100]: AAA1: to=<bob@a.remote.test>, relay=mx.a.remote.test[192.0.2.22]:25, delay=0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as R1)
Nov 29 17:37:26 mta postfix/smtp[101]: BBB2: to=<bob@b.remote.test>, relay=mx.b.remote.test[192.0.2.22]:25, delay=0.2, dsn=4.7.5, status=deferred (Server certificate not verified)
Nov 29 17:37:27 mta postfix/smtp[100]: CCC3: to=<bob@c.remote.test>, relay=mx.c.remote.test[192.0.2.22]:25, delay=0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as R3)
`;

describe("Postfix observer", () => {
  it("reads a verified delivery and the TLS line of the same smtp process", () => {
    const d = deliveryOf(SENDER, "AAA1")!;
    expect(d).toMatchObject({ status: "sent", tls: "verified" });
    expect(d.lines).toHaveLength(2);
  });

  it("reads a DANE verification failure as verification-failed, with Postfix's reason", () => {
    expect(deliveryOf(SENDER, "BBB2")).toMatchObject({
      status: "deferred",
      tls: "verification-failed",
      reason: "Server certificate not verified",
    });
  });

  it("does not lend one session's TLS line to the next message of the same process", () => {
    expect(deliveryOf(SENDER, "CCC3")).toMatchObject({ status: "sent", tls: "none" });
  });

  it("has no answer while a message has no final status", () => {
    expect(deliveryOf(SENDER, "ZZZ9")).toBeUndefined();
  });

  it("tells whether the receiver accepted a message over TLS", () => {
    const log = `Nov 29 mta postfix/smtpd[7]: connect from unknown[192.0.2.12]
Nov 29 mta postfix/smtpd[7]: Anonymous TLS connection established from unknown[192.0.2.12]: TLSv1.3
Nov 29 mta postfix/smtpd[7]: R1: client=unknown[192.0.2.12]
Nov 29 mta postfix/cleanup[8]: R1: message-id=<t1@lab.test>
Nov 29 mta postfix/smtpd[9]: connect from unknown[192.0.2.30]
Nov 29 mta postfix/smtpd[9]: R2: client=unknown[192.0.2.30]
Nov 29 mta postfix/cleanup[8]: R2: message-id=<t2@lab.test>
`;
    expect(receptionOf(log, "<t1@lab.test>")).toMatchObject({ accepted: true, overTls: true });
    expect(receptionOf(log, "<t2@lab.test>")).toMatchObject({ accepted: true, overTls: false });
    expect(receptionOf(log, "<t3@lab.test>")).toMatchObject({ accepted: false });
  });
});
