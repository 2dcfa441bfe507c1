// Dovecot observer: the MDA's own word that a message was stored.
// "lmtp(bob@x)<pid><session>: Info: msgid=<token@lab.test>: saved mail to INBOX"
import type { MdaObserver } from "../../harness/observe/observation.ts";

export function savedOf(log: string, messageId: string): string | undefined {
  const at = log.indexOf(`msgid=${messageId}: saved mail to`);
  if (at < 0) return undefined;
  const end = log.indexOf("\n", at);
  return log.slice(log.lastIndexOf("\n", at) + 1, end < 0 ? undefined : end);
}

const observer: MdaObserver = { savedOf };
export default observer;
