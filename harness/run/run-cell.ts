// One cell: submit a uniquely marked message, observe what really happened, judge it.
import { randomBytes } from "node:crypto";
import type { Implementation } from "../load/environments.ts";
import type { StartedWorld } from "../driver/netns/world.ts";
import type { CellPlan } from "../plan/plan.ts";
import { queueIdFrom } from "../mua/protocol.ts";
import { judge, type Evidence, type Verdict } from "../judge/judge.ts";
import { observeCell, type CellObservation } from "./observe-cell.ts";
import { receiveSmime, sendSmime } from "./smime-cell.ts";
import { describeSmime } from "../observe/smime-observation.ts";
import type { Observation } from "../observe/observation.ts";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export interface CellRun {
  cell: CellPlan;
  token: string;
  messageId: string;
  verdict: Verdict;
  evidence: Evidence;
  observed?: CellObservation;
  seconds: number;
  submitResponse?: string;
  /** Extra evidence files (S/MIME messages, SMIMEA answers, verifier transcripts), by name. */
  files?: Record<string, string>;
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

/** A cell that is the same experiment as an observed one: that observation, this cell's judgement. */
export function sharedRun(observed: CellRun, cell: CellPlan): CellRun {
  return { ...observed, cell, verdict: judge(cell.expectation, observed.evidence) };
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
  let files: Record<string, string> | undefined;
  try {
    if (!world.mua) throw new Error("the world has no mail client");
    if (cell.case.smime) {
      const r = await runSmimeCell(world, envs, cell, token, messageId, imapPassword);
      ({ observed, files, submitResponse } = r);
      evidence = { kind: "observed", observation: r.observation };
    } else {
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
    }
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
    files,
  };
}

/** Send signed (and maybe encrypted) mail through authenticated submission, observe the MTA hop
 *  as for any cell, then what the receiving client and the verifiers make of the message. */
async function runSmimeCell(
  world: StartedWorld,
  envs: Map<string, Implementation>,
  cell: CellPlan,
  token: string,
  messageId: string,
  imapPassword: string,
) {
  const sent = await sendSmime(world, cell, token, messageId);
  if (sent.refused) {
    const observation: Observation = {
      delivery: "withheld",
      tls: "unknown",
      cleartext: "unknown",
      reason: `the sending client refused: ${sent.refused}`,
      inMailbox: false,
      evidence: [`mua: refused to send: ${sent.refused}`],
      smime: { refused: sent.refused, reason: sent.refused, verifiers: [] },
    };
    return {
      observation,
      files: (sent.lookup ? { "smimea-recipient-as-served.txt": sent.lookup } : {}) as Record<string, string>,
      submitResponse: undefined,
      observed: undefined,
    };
  }
  const queueId = queueIdFrom(sent.response ?? "");
  if (!queueId) throw new Error(`the lab MTA did not queue the message: ${sent.response}`);
  // The receiving client fetches the message over IMAP, as a mail client does.
  const observed = await observeCell(world, envs, cell, { queueId, messageId }, imapPassword, "imap");
  const base = observed.observation;
  if (!observed.delivered?.found || !observed.delivered.source)
    return {
      observation: base,
      files: { "smime-message-sent.eml": sent.sent ?? "" },
      submitResponse: sent.response,
      observed,
    };
  const workDir = join(world.opts.worldDir, "smime", cell.id.replace(/[^A-Za-z0-9.-]+/g, "_"));
  mkdirSync(workDir, { recursive: true });
  const got = await receiveSmime(world, cell, sent, observed.delivered.source, workDir);
  const observation: Observation = {
    ...base,
    smime: got.observation,
    evidence: [...base.evidence, `mua: ${describeSmime(got.observation)}`, `mua: ${got.observation.reason}`],
  };
  return { observation, files: got.files, submitResponse: sent.response, observed: { ...observed, observation } };
}
