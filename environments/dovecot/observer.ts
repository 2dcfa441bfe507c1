// Dovecot observer: the MDA's own word that a message was stored, and the message as stored.
// "lmtp(bob@x)<pid><session>: Info: msgid=<token@lab.test>: saved mail to INBOX"
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { detachedCopy, type MdaObserver } from "../../harness/observe/observation.ts";
import type { FetchReply } from "../../harness/mua/protocol.ts";

export function savedOf(log: string, messageId: string): string | undefined {
  const at = log.indexOf(`msgid=${messageId}: saved mail to`);
  if (at < 0) return undefined;
  const end = log.indexOf("\n", at);
  return detachedCopy(log.slice(log.lastIndexOf("\n", at) + 1, end < 0 ? undefined : end));
}

/** The message in the user's Maildir, where templates/dovecot.conf puts it (home
 *  {{dir}}/mail/<domain>/<user>, mail_location maildir:~/Maildir): LMTP writes each message to
 *  tmp/ and renames it into new/; an IMAP client moves it to cur/. Found by its Message-ID header. */
export function storedMessage(dir: string, address: string, messageId: string): FetchReply {
  const at = address.lastIndexOf("@");
  const maildir = join(dir, "mail", address.slice(at + 1).toLowerCase(), address.slice(0, at).toLowerCase(), "Maildir");
  const files = ["new", "cur"].flatMap((sub) => {
    try {
      return readdirSync(join(maildir, sub)).map((f) => join(maildir, sub, f));
    } catch {
      return []; // no mailbox yet: nothing was ever delivered to this user
    }
  });
  const wanted = `message-id: ${messageId.toLowerCase()}`;
  for (const f of files) {
    const text = readFileSync(f, "latin1");
    const headerEnd = text.indexOf("\n\n");
    const header = (headerEnd < 0 ? text : text.slice(0, headerEnd)).toLowerCase();
    if (header.split("\n").some((l) => l.trimEnd() === wanted))
      return { found: true, source: text, mailboxSize: files.length };
  }
  return { found: false, mailboxSize: files.length };
}

const observer: MdaObserver = { savedOf, storedMessage };
export default observer;
