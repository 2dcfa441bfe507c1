// What really happened to one message, read from real artefacts (logs, mailbox, capture).
// This vocabulary is separate from the expectation's: "unknown" exists only here.
import type { TlsState } from "../schema/scenario.ts";
import { describeSmime, type SmimeObservation } from "./smime-observation.ts";
import type { FetchReply } from "../mua/protocol.ts";

export type ObservedTls = TlsState | "unknown";

/** A copy of `s` that does not keep alive the string it was cut from. V8 makes a substring of
 *  13 characters or more a view into its parent, so a log line cut from a whole read of a log kept
 *  that whole read alive for as long as the line was kept (in an observation: the whole run). An
 *  observer keeps only such copies; a full run held some 80 MB of old log reads before. */
export const detachedCopy = (s: string): string => Buffer.from(s, "utf8").toString("utf8");

/** What an MTA observer reads from the sender's log for one queued message. */
export interface MtaDeliveryLog {
  status: "sent" | "deferred" | "bounced";
  tls: ObservedTls;
  reason: string; // the MTA's own words, e.g. "Server certificate not verified"
  relay?: string;
  lines: string[]; // the log lines this rests on
}

/** The module an implementation may ship as `observer:` in its manifest. */
export interface MtaObserver {
  /** undefined while the message has no final status for this attempt yet. */
  deliveryOf(log: string, queueId: string): MtaDeliveryLog | undefined;
  /** What the receiving MTA logged for a message: accepted at all, and over TLS? */
  receptionOf?(log: string, messageId: string): { accepted: boolean; overTls: boolean; lines: string[] };
}

/** The module an MDA may ship as `observer:`: the line saying a message was stored, if any, and
 *  optionally the message as stored in the recipient's mailbox, read from the MDA's own store
 *  (`dir`: its instance folder) without a mail-client session. */
export interface MdaObserver {
  savedOf(log: string, messageId: string): string | undefined;
  /** The same answer as the mail client's IMAP fetch. */
  storedMessage?(dir: string, address: string, messageId: string): FetchReply;
}

export interface Observation {
  delivery: "delivered" | "withheld" | "unknown";
  tls: ObservedTls;
  cleartext: boolean | "unknown";
  queueId?: string;
  senderStatus?: MtaDeliveryLog["status"];
  /** The host the sender connected to, as its log says ("none" or absent: it never connected). */
  relay?: string;
  reason: string;
  inMailbox: boolean;
  evidence: string[];
  /** For a case with S/MIME: what the mail clients and the verifiers concluded. */
  smime?: SmimeObservation;
}

export function describeObservation(o: Observation): string {
  const clear = o.cleartext === "unknown" ? "cleartext unknown" : o.cleartext ? "sent in CLEARTEXT" : "no cleartext";
  const via = o.relay && o.relay !== "none" ? `, via ${o.relay.split("[")[0]}` : "";
  const smime = o.smime ? `; ${describeSmime(o.smime)}` : "";
  return `${o.delivery}, TLS ${o.tls}, ${clear}${via}${o.reason ? ` (${o.reason})` : ""}${smime}`;
}
