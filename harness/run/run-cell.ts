// One cell: submit a uniquely marked message, observe what really happened, judge it.
import { randomBytes } from "node:crypto";
import type { Implementation } from "../load/environments.ts";
import type { StartedWorld } from "../driver/netns/world.ts";
import type { CellPlan } from "../plan/plan.ts";
import { queueIdFrom } from "../mua/protocol.ts";
import { judge, type Evidence, type Verdict } from "../judge/judge.ts";
import { observeCell, type CellObservation } from "./observe-cell.ts";

export interface CellRun {
  cell: CellPlan;
  token: string;
  messageId: string;
  verdict: Verdict;
  evidence: Evidence;
  observed?: CellObservation;
  seconds: number;
  submitResponse?: string;
}

/** Settle cleartext from the capture scan, then judge. */
export function settle(run: CellRun, cleartext: boolean | "unknown", captureLine: string): CellRun {
  if (run.evidence.kind !== "observed") return run;
  const observation = {
    ...run.evidence.observation,
    cleartext,
    evidence: [...run.evidence.observation.evidence, captureLine],
  };
  const evidence: Evidence = { kind: "observed", observation };
  return { ...run, evidence, verdict: judge(run.cell.expectation, evidence) };
}

export async function runCell(
  world: StartedWorld,
  envs: Map<string, Implementation>,
  cell: CellPlan,
  imapPassword: string,
): Promise<CellRun> {
  const t0 = performance.now();
  const token = randomBytes(16).toString("hex");
  const messageId = `<${token}@${world.plan.lab.zone}>`;
  let evidence: Evidence;
  let observed: CellObservation | undefined;
  let submitResponse: string | undefined;
  if (cell.unsupported) {
    const evidence: Evidence = { kind: "unsupported", message: cell.unsupported };
    return { cell, token, messageId, verdict: judge(cell.expectation, evidence), evidence, seconds: 0 };
  }
  try {
    if (!world.mua) throw new Error("the world has no mail client");
    const reply = await world.mua.submit({
      host: cell.sender.ip,
      port: 25,
      from: cell.from,
      to: cell.recipient,
      subject: `[${cell.id}] ${token}`,
      messageId,
      text: `Case ${cell.id}.\nBody token: ${token}\n`,
    });
    submitResponse = reply.response;
    const queueId = queueIdFrom(reply.response);
    if (!queueId) throw new Error(`the lab MTA did not queue the message: ${reply.response}`);
    observed = await observeCell(world, envs, cell, { queueId, messageId }, imapPassword);
    evidence = { kind: "observed", observation: observed.observation };
  } catch (e) {
    evidence = { kind: "error", message: (e as Error).message };
  }
  // A world whose daemon died is broken: whatever this cell saw is the harness's fault, not an
  // outcome of the implementation under test. Never a pass, never a fail: an error.
  const dead = world.daemons.filter((d) => d !== world.capture?.daemon && !d.running);
  if (dead.length > 0)
    evidence = {
      kind: "error",
      message: `the world broke during the cell: ${dead.map((d) => `${d.spec.name} exited (${d.exitCode ?? "killed"})`).join(", ")}`,
    };
  return {
    cell,
    token,
    messageId,
    verdict: judge(cell.expectation, evidence),
    evidence,
    observed,
    seconds: (performance.now() - t0) / 1000,
    submitResponse,
  };
}
