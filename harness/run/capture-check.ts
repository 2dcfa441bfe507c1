// After a world's cells ran: prove the capture sees cleartext (a canary sent in cleartext on
// purpose must be in it), then settle each cell's cleartext question from the same capture.
import { randomBytes } from "node:crypto";
import type { StartedWorld } from "../driver/netns/world.ts";
import { scanCapture } from "../observe/capture.ts";
import { settle, type CellRun } from "./run-cell.ts";

export interface CaptureVerdict {
  canaryToken: string;
  canarySeen: boolean;
  packets: number;
  bytes: number;
  error?: string;
}

export async function sendCanary(world: StartedWorld): Promise<{ token: string; error?: string }> {
  const token = `canary${randomBytes(12).toString("hex")}`;
  const domain = world.plan.cases[0]?.domain;
  try {
    if (!world.mua || !domain) throw new Error("no mail client or no case domain");
    // Straight to the receiving MTA, no STARTTLS: this crosses the captured hop in cleartext.
    await world.mua.submit({
      host: world.plan.remote.mtaIp,
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
  const settled = runs.map((r) => {
    if (!canarySeen)
      return settle(
        r,
        "unknown",
        `capture: UNUSABLE, the cleartext canary was not seen (${scan.packets} packets${canary.error ? `; ${canary.error}` : ""})`,
      );
    const seen = scan.found.get(r.token) === true;
    return settle(
      r,
      seen,
      `capture: body token ${seen ? "FOUND in cleartext" : "absent"} on the MTA-to-MTA hop (${scan.packets} packets, ${scan.bytes} bytes; canary seen, so the capture works)`,
    );
  });
  return { settled, verdict };
}
