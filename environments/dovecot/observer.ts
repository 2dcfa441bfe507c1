// Dovecot observer: the MDA's own word that a message was stored.
// "lmtp(bob@x)<pid><session>: Info: msgid=<token@lab.test>: saved mail to INBOX"
import type { MdaObserver } from "../../harness/observe/observation.ts";

export function savedOf(log: string, messageId: string): string | undefined {
  return log.split("\n").find((l) => l.includes(`msgid=${messageId}: saved mail to`));
}

const observer: MdaObserver = { savedOf };
export default observer;
