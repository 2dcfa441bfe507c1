// Observe one message end to end: the sender's final status and TLS state from its log,
// the receiving MTA's view (accepted? over TLS?), and the recipient's mailbox over IMAP.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Implementation } from "../load/environments.ts";
import type { MtaObserver, Observation } from "../observe/observation.ts";
import type { StartedWorld } from "../driver/netns/world.ts";
import type { CellPlan } from "../plan/plan.ts";
import { waitFor } from "../driver/probes.ts";
import type { FetchReply } from "../mua/protocol.ts";

const observers = new Map<string, MtaObserver>();

export async function observerOf(impl: Implementation): Promise<MtaObserver> {
  const cached = observers.get(impl.manifest.name);
  if (cached) return cached;
  if (!impl.manifest.observer) throw new Error(`${impl.file}: no observer module, so its logs cannot be read`);
  const mod = (await import(pathToFileURL(join(impl.dir, impl.manifest.observer)).href)) as { default: MtaObserver };
  observers.set(impl.manifest.name, mod.default);
  return mod.default;
}

function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

export interface CellSend {
  queueId: string;
  messageId: string;
}

export interface CellObservation {
  observation: Observation;
  delivered?: FetchReply;
}

export async function observeCell(
  world: StartedWorld,
  envs: Map<string, Implementation>,
  cell: CellPlan,
  sent: CellSend,
  imapPassword: string,
  timeoutMs = 30_000,
): Promise<CellObservation> {
  const senderInst = world.instances.find((i) => i.sender === cell.sender);
  if (!senderInst) throw new Error(`${cell.id}: no sending MTA instance for ${cell.sender.fill.name}`);
  const receiverInst = world.instance("remote", "mta-receiver");
  const senderObs = await observerOf(envs.get(senderInst.impl)!);
  const receiverObs = await observerOf(envs.get(receiverInst.impl)!);
  const senderLog = join(senderInst.dir, "maillog");
  const receiverLog = join(receiverInst.dir, "maillog");
  let final = senderObs.deliveryOf(read(senderLog), sent.queueId);
  const daemon = world.daemonOf(senderInst);
  await waitFor(
    `${cell.id}: a final status for ${sent.queueId} in the sender's log`,
    () => !!(final = senderObs.deliveryOf(read(senderLog), sent.queueId)),
    { timeoutMs, intervalMs: 20, alive: () => (daemon && !daemon.running ? "the sending MTA exited" : undefined) },
  );
  const status = final!;
  const fetchArgs = {
    host: world.plan.remote.mtaIp,
    port: 143,
    user: cell.recipient,
    password: imapPassword,
    messageId: sent.messageId,
  };
  let fetched: FetchReply = await world.mua!.fetch(fetchArgs);
  if (status.status === "sent" && !fetched.found) {
    // The receiver accepted it; local delivery over LMTP follows within moments.
    await waitFor(
      `${cell.id}: message ${sent.messageId} in the mailbox of ${cell.recipient}`,
      async () => {
        fetched = await world.mua!.fetch(fetchArgs);
        return fetched.found;
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
  }
  const reception = receiverObs.receptionOf?.(read(receiverLog), sent.messageId);
  const observation: Observation = {
    delivery: fetched.found ? "delivered" : status.status === "sent" ? "unknown" : "withheld",
    tls: status.tls,
    cleartext: "unknown", // settled from the packet capture once the world's cells are done
    queueId: sent.queueId,
    senderStatus: status.status,
    reason: status.reason,
    inMailbox: fetched.found,
    evidence: [
      ...status.lines.map((l) => `sender: ${l}`),
      ...(reception?.lines ?? []).map((l) => `receiver: ${l}${reception!.overTls ? "" : "  (session without TLS)"}`),
      `mailbox ${cell.recipient}: ${fetched.found ? "message present" : "message absent"} (${fetched.mailboxSize} messages)`,
    ],
  };
  return { observation, delivered: fetched };
}
