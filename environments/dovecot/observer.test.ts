import { describe, expect, it } from "vitest";
import { savedOf } from "./observer.ts";

describe("Dovecot observer", () => {
  it("finds the line that says a message was saved", () => {
    const log = `Nov 29 18:03:05 lmtp(bob@a.remote.test)<28098><2Dy5>: Info: msgid=<t1@lab.test>: saved mail to INBOX\n`;
    expect(savedOf(log, "<t1@lab.test>")).toContain("saved mail to INBOX");
    expect(savedOf(log, "<t2@lab.test>")).toBeUndefined();
  });
});
