// Postfix observer: reads Postfix's own log (maillog_file) into observations.
// Sender: "<QID>: to=<..>, relay=.., status=sent|deferred|bounced (reason)", and the TLS line
// ("Verified|Trusted|Untrusted|Anonymous TLS connection established to ...") from the same smtp process.
// Receiver: the cleanup line with the message-id, and whether its smtpd session had entered TLS.
import {
  detachedCopy,
  type MtaDeliveryLog,
  type MtaObserver,
  type ObservedTls,
} from "../../harness/observe/observation.ts";

const PID = /postfix\/(\w+)\[(\d+)\]: (.*)$/;

interface Line {
  service: string;
  pid: string;
  text: string;
  raw: string;
  n: number; // its index in the parsed log
}

/** A log's lines, and where the lines of each queue id and message-id are. */
interface Parsed {
  lines: Line[];
  byQueueId: Map<string, number[]>;
  byMessageId: Map<string, number>;
}

const QID = /^([0-9A-Za-z]+): /;
const MSGID = /message-id=(<[^>]*>)/;

function parseInto(out: Parsed, text: string): void {
  for (const raw of text.split("\n")) {
    const m = PID.exec(raw);
    if (!m) continue;
    const l: Line = { service: m[1]!, pid: m[2]!, text: m[3]!, raw, n: out.lines.length };
    out.lines.push(l);
    const qid = QID.exec(l.text)?.[1];
    if (qid) out.byQueueId.set(qid, [...(out.byQueueId.get(qid) ?? []), l.n]);
    const mid = l.service === "cleanup" ? MSGID.exec(l.text)?.[1] : undefined;
    if (mid && !out.byMessageId.has(mid)) out.byMessageId.set(mid, l.n);
  }
}

// Logs only grow, and hundreds of cells ask about the same log: parse each log once, then only
// what was appended (a log is recognised by its first line), and look lines up by id.
const cache = new Map<string, { length: number; parsed: Parsed }>();

function parse(log: string): Parsed {
  const key = detachedCopy(log.slice(0, log.indexOf("\n") + 1));
  const c = cache.get(key);
  if (c && log.length >= c.length && log.charCodeAt(c.length - 1) === 10) {
    if (log.length > c.length) {
      parseInto(c.parsed, detachedCopy(log.slice(c.length)));
      c.length = log.length;
    }
    return c.parsed;
  }
  const parsed: Parsed = { lines: [], byQueueId: new Map(), byMessageId: new Map() };
  parseInto(parsed, detachedCopy(log));
  // Only whole lines are cached, so an appended chunk always starts a new line.
  const end = log.lastIndexOf("\n") + 1;
  if (key && end === log.length) cache.set(key, { length: log.length, parsed });
  if (cache.size > 64) cache.delete(cache.keys().next().value!);
  return parsed;
}

function tlsFromLine(text: string): ObservedTls | undefined {
  const m = /^(Verified|Trusted|Untrusted|Anonymous) TLS connection established/.exec(text);
  return m ? (m[1]!.toLowerCase() as ObservedTls) : undefined;
}

const VERIFY_FAILED = /certificate not (verified|trusted)|verification failed/i;

export function deliveryOf(log: string, queueId: string): MtaDeliveryLog | undefined {
  const { lines, byQueueId } = parse(log);
  const idx =
    byQueueId
      .get(queueId)
      ?.find(
        (n) => lines[n]!.text.startsWith(`${queueId}: to=<`) && /status=(sent|deferred|bounced)/.test(lines[n]!.text),
      ) ?? -1;
  if (idx < 0) return undefined;
  const final = lines[idx]!;
  const status = /status=(sent|deferred|bounced)/.exec(final.text)![1] as MtaDeliveryLog["status"];
  const reason = /status=\w+ \((.*)\)$/.exec(final.text)?.[1] ?? "";
  const relay = /relay=([^,]+)/.exec(final.text)?.[1];
  // The session's lines: same smtp process, back to the previous final status of that process.
  const session: Line[] = [];
  for (let i = idx - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.pid !== final.pid || l.service !== final.service) continue;
    if (/status=(sent|deferred|bounced)/.test(l.text)) break;
    session.unshift(l);
  }
  const tlsLine = [...session].reverse().find((l) => tlsFromLine(l.text));
  let tls: ObservedTls = tlsLine ? tlsFromLine(tlsLine.text)! : status === "sent" ? "none" : "unknown";
  if (status !== "sent" && (VERIFY_FAILED.test(reason) || session.some((l) => VERIFY_FAILED.test(l.text))))
    tls = "verification-failed";
  return { status, tls, reason, relay, lines: [...session.map((l) => l.raw), final.raw] };
}

export function receptionOf(log: string, messageId: string) {
  const { lines, byQueueId, byMessageId } = parse(log);
  const cleanup = lines[byMessageId.get(messageId) ?? -1];
  if (!cleanup) return { accepted: false, overTls: false, lines: [] };
  const qid = cleanup.text.split(":")[0]!;
  const client = (byQueueId.get(qid) ?? [])
    .map((n) => lines[n]!)
    .find((l) => l.service === "smtpd" && l.text.startsWith(`${qid}: client=`));
  if (!client) return { accepted: true, overTls: false, lines: [cleanup.raw] };
  const at = client.n;
  let overTls = false;
  for (let i = at - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.pid !== client.pid || l.service !== "smtpd") continue;
    if (/TLS connection established from/.test(l.text)) {
      overTls = true;
      break;
    }
    if (/^connect from /.test(l.text)) break;
  }
  return { accepted: true, overTls, lines: [client.raw, cleanup.raw] };
}

const observer: MtaObserver = { deliveryOf, receptionOf };
export default observer;
