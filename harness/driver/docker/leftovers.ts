// What killed docker-driver runs left: containers and networks labelled nccoe.run=<run id>. A run
// is dead when its record in /run/nccoe-harness is gone or names a dead process, and it was not
// kept by `up` (then `nccoe down` removes it, with includeKept).
import { readRecord } from "../netns/registry.ts";
import { existsSync } from "node:fs";
import { DOCKER_SOCK, removeDockerRuns } from "./engine.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function isDeadRun(runId: string, opts: { includeKept?: boolean; only?: string } = {}): boolean {
  if (opts.only && runId !== opts.only) return false;
  const rec = readRecord(runId);
  if (!rec) return true;
  if (rec.kept) return !!opts.includeKept;
  return rec.pid !== process.pid && !alive(rec.pid);
}

export async function removeDeadDockerRuns(currentRunId: string, say: (line: string) => void): Promise<void> {
  const removed = await removeDockerRuns((runId) => runId !== currentRunId && isDeadRun(runId));
  if (removed.length > 0) say(`removed docker containers and networks that earlier runs left: ${removed.join(", ")}`);
}

/** For `nccoe down`: docker worlds left by `up --driver docker` or by killed runs. Nothing when no docker engine is set up. */
export async function removeDockerLeftovers(opts: { includeKept: boolean; only?: string }): Promise<string[]> {
  if (!process.env.DOCKER_HOST && !existsSync(DOCKER_SOCK)) return [];
  try {
    return await removeDockerRuns((runId) => isDeadRun(runId, opts));
  } catch {
    return []; // no engine answering: nothing of ours can be running in it
  }
}
