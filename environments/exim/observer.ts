// Exim observer: reads Exim's main log (log_file_path) into observations for a sending MTA.
// Every line about a message carries its id ("1xXjHg-0001Ls-0k"); the first delivery line of an
// attempt is the final status: "=>" delivered, "==" deferred, "**" bounced. With
// log_selector +tls_certificate_verified +dnssec +tls_peerdn a delivery line reads
//   <id> => bob@d R=dnslookup T=remote_smtp H=mx.d DS [198.51.100.1] X=TLS1.3:...:256 CV=dane DN="CN=mx.d" K C="250 ..." DT=0.8s
// and a DANE mismatch defers, after a "DANE attempt failed" line of the transport process:
//   <id> == bob@d R=dnslookup T=remote_smtp defer (-37) H=mx.d DS [198.51.100.2] DT=0.5s: TLS session: (certificate verification failed): ...
import {
  detachedCopy,
  type MtaDeliveryLog,
  type MtaObserver,
  type ObservedTls,
} from "../../harness/observe/observation.ts";

const FINAL: Record<string, MtaDeliveryLog["status"]> = { "=>": "sent", "==": "deferred", "**": "bounced" };
const VERIFY_FAILED = /certificate verification failed|DANE attempt failed/i;

interface Line {
  flag: string; // "<=", "=>", "==", "**", "->", ... or "" for other lines about the message
  text: string; // what follows the message id
  raw: string;
}

/** The lines about one message, in log order. */
function linesOf(log: string, queueId: string): Line[] {
  const out: Line[] = [];
  const marker = ` ${queueId} `;
  // Only the lines that hold the id: found with indexOf, not by splitting the whole log.
  for (let hit = log.indexOf(marker); hit >= 0;) {
    const start = log.lastIndexOf("\n", hit) + 1;
    const nl = log.indexOf("\n", hit);
    const end = nl < 0 ? log.length : nl;
    const raw = detachedCopy(log.slice(start, end));
    hit = nl < 0 ? -1 : log.indexOf(marker, end);
    const at = raw.indexOf(marker);
    const text = raw.slice(at + marker.length).trimEnd();
    const flag = /^(<=|=>|->|>>|\*>|==|\*\*) /.exec(text)?.[1] ?? "";
    out.push({ flag, text, raw: raw.trimEnd() });
  }
  return out;
}

/** The TLS state a delivery line shows: X=<cipher> when TLS was used, CV= whether it was verified. */
function tlsOf(text: string): ObservedTls | undefined {
  if (!/ X=\S+/.test(text)) return undefined;
  const cv = / CV=(\w+)/.exec(text)?.[1];
  return cv === "dane" || cv === "yes" ? "verified" : "untrusted";
}

/** Exim's own words: the server's confirmation (C="...") or the text after the fields. */
function reasonOf(line: Line): string {
  if (line.flag === "=>") return / C="((?:[^"\\]|\\.)*)"/.exec(line.text)?.[1] ?? "";
  const colon = line.text.indexOf(": ");
  return colon < 0 ? "" : line.text.slice(colon + 2).trim();
}

export function deliveryOf(log: string, queueId: string): MtaDeliveryLog | undefined {
  const lines = linesOf(log, queueId);
  const idx = lines.findIndex((l) => l.flag in FINAL);
  if (idx < 0) return undefined;
  const final = lines[idx]!;
  const status = FINAL[final.flag]!;
  const reason = reasonOf(final);
  const host = / H=(\S+)(?: DS)? \[([^\]]+)\]/.exec(final.text);
  const relay = host ? `${host[1]}[${host[2]}]` : undefined;
  const attempt = lines.slice(0, idx + 1);
  let tls: ObservedTls = tlsOf(final.text) ?? (status === "sent" ? "none" : "unknown");
  if (status !== "sent" && attempt.some((l) => l.flag !== "<=" && VERIFY_FAILED.test(l.text)))
    tls = "verification-failed";
  return { status, tls, reason, relay, lines: attempt.map((l) => l.raw) };
}

const observer: MtaObserver = { deliveryOf };
export default observer;
