// Observe one message end to end, from real artefacts: the sender's final status and TLS state
// from its own log, the receiving MTA's view (accepted? over TLS?), the MDA's "saved" line, and
// the recipient's mailbox (its store, or over IMAP). All logs are followed by the world's shared LogWatch.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Implementation } from "../load/environments.ts";
import type { MdaObserver, MtaObserver, Observation } from "../observe/observation.ts";
import type { StartedWorld } from "../driver/netns/world.ts";
import type { CellPlan } from "../plan/plan.ts";
import type { FetchReply } from "../mua/protocol.ts";

const modules = new Map<string, unknown>();

export async function observerOf<T = MtaObserver>(impl: Implementation): Promise<T> {
  const cached = modules.get(impl.manifest.name);
  if (cached) return cached as T;
  if (!impl.manifest.observer) throw new Error(`${impl.file}: no observer module, so its logs cannot be read`);
  const mod = (await import(pathToFileURL(join(impl.dir, impl.manifest.observer)).href)) as { default: T };
  modules.set(impl.manifest.name, mod.default);
  return mod.default;
}

export interface CellSend {
  queueId: string;
  messageId: string;
}

export interface CellObservation {
  observation: Observation;
  delivered?: FetchReply;
}

const FINAL_STATUS_MS = 30_000;
const LOCAL_DELIVERY_MS = 15_000;

export async function observeCell(
  world: StartedWorld,
  envs: Map<string, Implementation>,
  cell: CellPlan,
  sent: CellSend,
  imapPassword: string,
  /** How the mailbox is read: "imap" as the receiving mail client does, or "store": the MDA's own
   *  files (its observer's storedMessage), where it has that; else over IMAP. */
  how: "imap" | "store" = "store",
): Promise<CellObservation> {
  const senderInst = world.instances.find((i) => i.sender === cell.sender);
  if (!senderInst) throw new Error(`${cell.id}: no sending MTA instance for ${cell.sender.fill.name}`);
  const receiverInst = world.instances.find((i) => i.role === "mta-receiver")!;
  const mdaInst = world.instances.find((i) => i.role === "mda" && i.host === "remote")!;
  const senderObs = await observerOf(envs.get(senderInst.impl)!);
  const receiverObs = await observerOf(envs.get(receiverInst.impl)!);
  const mdaObs = await observerOf<MdaObserver>(envs.get(mdaInst.impl)!);
  const logOf = (i: typeof senderInst) => {
    const name = envs.get(i.impl)!.manifest.roles[i.role]?.logs[0];
    if (!name) throw new Error(`environments/${i.impl}: roles.${i.role}.logs names no log to observe`);
    return join(i.dir, name);
  };
  const senderLog = logOf(senderInst);
  const receiverLog = logOf(receiverInst);
  const mdaLog = logOf(mdaInst);
  const daemon = world.daemonOf(senderInst);
  const status = await world.logs.wait(
    `${cell.id}: a final status for ${sent.queueId} in the sender's log`,
    senderLog,
    sent.queueId,
    (text) => senderObs.deliveryOf(text, sent.queueId),
    { timeoutMs: FINAL_STATUS_MS, alive: () => (daemon && !daemon.running ? "the sending MTA exited" : undefined) },
  );
  let saved: string | undefined;
  if (status.status === "sent")
    saved = await world.logs.wait(
      `${cell.id}: the MDA saving ${sent.messageId}`,
      mdaLog,
      sent.messageId,
      (text) => mdaObs.savedOf(text, sent.messageId),
      { timeoutMs: LOCAL_DELIVERY_MS },
    );
  // The mailbox is the final word, whatever the logs said. A mail client reads it over IMAP
  // where it acts on the message (S/MIME); otherwise the MDA's store is read as it lies (an IMAP
  // session per cell cost the client, Dovecot and the network about 5 s of a core a world).
  const store = how === "store" ? mdaObs.storedMessage : undefined;
  const fetched = store
    ? store(mdaInst.dir, cell.recipient, sent.messageId)
    : await world.mua!.fetch({
        host: world.plan.remote.mtaIp,
        port: 143,
        user: cell.recipient,
        password: imapPassword,
        messageId: sent.messageId,
      });
  const readVia = store ? "read from the MDA's store" : "fetched over IMAP";
  const reception = receiverObs.receptionOf?.(world.logs.text(receiverLog), sent.messageId);
  const observation: Observation = {
    delivery: fetched.found ? "delivered" : status.status === "sent" ? "unknown" : "withheld",
    tls: status.tls,
    cleartext: "unknown", // settled from the packet capture once the world's cells are done
    queueId: sent.queueId,
    senderStatus: status.status,
    relay: status.relay,
    reason: status.reason,
    inMailbox: fetched.found,
    evidence: [
      ...status.lines.map((l) => `sender: ${l}`),
      ...(reception?.lines ?? []).map((l) => `receiver: ${l}${reception!.overTls ? "" : "  (session without TLS)"}`),
      ...(saved ? [`mda: ${saved}`] : []),
      `mailbox ${cell.recipient}: ${fetched.found ? "message present" : "message absent"} (${fetched.mailboxSize} messages, ${readVia})`,
    ],
  };
  return { observation, delivered: fetched };
}
