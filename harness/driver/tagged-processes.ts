// Every process a run starts inherits NCCOE_RUN_ID=<run id> from the harness. Processes that
// live outside the world's network namespaces (a signer in its own private namespaces, say)
// are found that way when a killed run is cleaned up.
import { readdirSync, readFileSync } from "node:fs";
import { signal, waitGone } from "./daemon.ts";

export const RUN_ID_ENV = "NCCOE_RUN_ID";

export function tagThisProcess(runId: string): void {
  process.env[RUN_ID_ENV] = runId;
}

export function taggedPids(runId: string): number[] {
  const needle = `${RUN_ID_ENV}=${runId}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if ((readFileSync(`/proc/${pid}/environ`, "latin1") + "\0").includes(needle)) pids.push(pid);
    } catch {
      /* gone, or a kernel thread */
    }
  }
  return pids;
}

export async function killTagged(runId: string): Promise<number> {
  const pids = taggedPids(runId);
  for (const p of pids) signal(p, "SIGKILL");
  await waitGone(pids, 3000);
  return pids.length;
}
