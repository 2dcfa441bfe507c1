// After a world's cells ran: prove the capture sees cleartext (a canary sent in cleartext on
// purpose must be in it), then settle each cell's cleartext question from the same capture.
import { randomBytes } from "node:crypto";
import type { StartedWorld } from "../driver/netns/world.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { droppedPackets, scanCapture } from "../observe/capture.ts";
import { canonicalIp, isIpv6 } from "../plan/addressing.ts";

const readText = (f: string) => {
  try {
    return readFileSync(f, "utf8");
  } catch {
    return "";
  }
};
import { settle, type CellRun } from "./run-cell.ts";

export interface CaptureVerdict {
  dropped?: number;
  canaryToken: string;
  canarySeen: boolean;
  packets: number;
  bytes: number;
  error?: string;
}

export async function sendCanary(world: StartedWorld): Promise<{ token: string; error?: string }> {
  const token = `canary${randomBytes(12).toString("hex")}`;
  // To a case's own receiver address: the canary proves the capture sees the case traffic.
  const target = world.plan.cases[0];
  const domain = target?.domain;
  try {
    if (!world.mua || !domain) throw new Error("no mail client or no case domain");
    // Straight to the receiving MTA, no STARTTLS: this crosses the captured hop in cleartext.
    await world.mua.submit({
      host: target?.endpointIp ?? world.plan.remote.mtaIp,
      port: 25,
      from: `canary@${world.plan.lab.zone}`,
      to: `capture-canary@${domain}`,
      subject: `capture canary ${token}`,
      messageId: `<${token}@${world.plan.lab.zone}>`,
      text: `${token}\n`,
    });
    return { token };
  } catch (e) {
    return { token, error: (e as Error).message };
  }
}

export async function settleFromCapture(
  world: StartedWorld,
  runs: CellRun[],
  canary: { token: string; error?: string },
) {
  const capture = world.capture;
  if (capture) await capture.daemon.stop(); // tcpdump flushes on SIGTERM
  const scan = scanCapture(capture?.file ?? "", [canary.token, ...runs.map((r) => r.token)]);
  const canarySeen = scan.found.get(canary.token) === true;
  const verdict: CaptureVerdict = {
    canaryToken: canary.token,
    canarySeen,
    packets: scan.packets,
    bytes: scan.bytes,
    error: canary.error,
  };
  const dropped = droppedPackets(readText(join(world.opts.worldDir, "tcpdump.log")));
  verdict.dropped = dropped;
  const settled = runs.map((r) => {
    if (!canarySeen)
      return settle(
        r,
        "unknown",
        `capture: UNUSABLE, the cleartext canary was not seen (${scan.packets} packets${canary.error ? `; ${canary.error}` : ""})`,
      );
    if (dropped === undefined || dropped > 0)
      return settle(r, "unknown", `capture: UNUSABLE, the kernel dropped ${dropped ?? "an unknown number of"} packets`);
    const seen = scan.found.get(r.token) === true;
    if (seen) return settle(r, true, `capture: body token FOUND in cleartext on the MTA-to-MTA hop`);
    // "Absent" only counts when the capture saw this cell's own connection being opened.
    const obs = r.evidence.kind === "observed" ? r.evidence.observation : undefined;
    const to = r.cell.casePlan.endpointIp;
    const flow = `${canonicalIp(isIpv6(to) ? r.cell.sender.ip6 : r.cell.sender.ip)}>${canonicalIp(to)}:25`;
    // A sender that never connected (its own log names no relay: a failed DNS lookup) cannot
    // have leaked anything; the message is not in the mailbox either (delivery withheld).
    if (
      obs &&
      obs.senderStatus !== "sent" &&
      (!obs.relay || obs.relay === "none") &&
      !scan.syns.has(flow) &&
      !obs.inMailbox
    )
      return settle(
        r,
        false,
        `capture: the sender never connected (its log names no relay) and ${flow} is not in the capture`,
      );
    if (obs?.senderStatus && !scan.syns.has(flow))
      return settle(r, "unknown", `capture: UNUSABLE for this cell, its connection ${flow} is not in the capture`);
    return settle(
      r,
      false,
      `capture: body token absent on the MTA-to-MTA hop; the connection ${flow} was captured (${scan.packets} packets, no drops, canary seen)`,
    );
  });
  return { settled, verdict };
}
