// Observe one message end to end, from real artefacts: the sender's final status and TLS state
// from its own log, the receiving MTA's view (accepted? over TLS?), the MDA's "saved" line, and
// the recipient's mailbox over IMAP. All logs are followed by the world's shared LogWatch.
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
  // The mailbox is the final word, whatever the logs said.
  const fetched = await world.mua!.fetch({
    host: world.plan.remote.mtaIp,
    port: 143,
    user: cell.recipient,
    password: imapPassword,
    messageId: sent.messageId,
  });
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
      `mailbox ${cell.recipient}: ${fetched.found ? "message present" : "message absent"} (${fetched.mailboxSize} messages)`,
    ],
  };
  return { observation, delivered: fetched };
}
