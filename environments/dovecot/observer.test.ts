import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { savedOf, storedMessage } from "./observer.ts";

describe("Dovecot observer", () => {
  it("finds the line that says a message was saved", () => {
    const log = `Nov 29 18:03:05 lmtp(bob@a.remote.test)<28098><2Dy5>: Info: msgid=<t1@lab.test>: saved mail to INBOX\n`;
    expect(savedOf(log, "<t1@lab.test>")).toContain("saved mail to INBOX");
    expect(savedOf(log, "<t2@lab.test>")).toBeUndefined();
  });

  it("finds a stored message in the user's Maildir by its Message-ID header, in new/ or cur/", () => {
    const dir = mkdtempSync(join(tmpdir(), "dovecot-observer-"));
    try {
      const maildir = join(dir, "mail", "a.remote.test", "bob", "Maildir");
      for (const sub of ["new", "cur", "tmp"]) mkdirSync(join(maildir, sub), { recursive: true });
      const mail = (id: string, body: string) => `From: x@lab.test\nMessage-ID: <${id}@lab.test>\n\n${body}\n`;
      writeFileSync(join(maildir, "new", "1.host"), mail("t1", "Message-ID: <t3@lab.test> in a body"));
      writeFileSync(join(maildir, "cur", "2.host:2,S"), mail("t2", "two"));
      writeFileSync(join(maildir, "tmp", "3.host"), mail("t4", "not yet delivered"));
      const found = storedMessage(dir, "bob@a.remote.test", "<t2@lab.test>");
      expect(found).toMatchObject({ found: true, mailboxSize: 2 });
      expect(found.source).toContain("two");
      expect(storedMessage(dir, "bob@a.remote.test", "<t1@lab.test>").found).toBe(true);
      // a header only: a Message-ID in a body, or a message still in tmp/, is not delivered
      expect(storedMessage(dir, "bob@a.remote.test", "<t3@lab.test>")).toEqual({ found: false, mailboxSize: 2 });
      expect(storedMessage(dir, "bob@a.remote.test", "<t4@lab.test>").found).toBe(false);
      expect(storedMessage(dir, "alice@a.remote.test", "<t1@lab.test>")).toEqual({ found: false, mailboxSize: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
