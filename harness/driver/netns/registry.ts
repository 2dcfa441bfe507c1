// Who owns which run: /run/nccoe-harness/<runId>.json. A run is stale when its owner is dead and it
// was not kept by `up`; stale runs are removed before a new one starts.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listNamespaces, removeNamespace } from "./network.ts";
import { PREFIX, runIdOf } from "./names.ts";
import { killTagged } from "../tagged-processes.ts";

export const REGISTRY_DIR = "/run/nccoe-harness";

export interface RunRecord {
  runId: string;
  pid: number;
  kept: boolean; // left running by `nccoe up`
  runDir: string;
  started: string;
  summary?: string; // what `up` printed, for `nccoe status`
}

export function register(rec: RunRecord): void {
  mkdirSync(REGISTRY_DIR, { recursive: true });
  writeFileSync(join(REGISTRY_DIR, `${rec.runId}.json`), JSON.stringify(rec, null, 2));
}

export function unregister(runId: string): void {
  rmSync(join(REGISTRY_DIR, `${runId}.json`), { force: true });
  rmSync(join(REGISTRY_DIR, runId), { recursive: true, force: true });
}

export function readRecord(runId: string): RunRecord | undefined {
  const f = join(REGISTRY_DIR, `${runId}.json`);
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, "utf8")) as RunRecord;
  } catch {
    return undefined;
  }
}

export function keptRuns(): RunRecord[] {
  if (!existsSync(REGISTRY_DIR)) return [];
  return readdirSync(REGISTRY_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => readRecord(f.slice(0, -5)))
    .filter((r): r is RunRecord => !!r && r.kept);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Remove what dead runs left: their namespaces (and every process in them) and /etc/netns folders.
 *  With `includeKept`, also worlds left up on purpose (`nccoe down`). Returns the run ids removed. */
export async function removeStale(opts: { includeKept: boolean; only?: string }): Promise<string[]> {
  const namespaces = (await listNamespaces()).filter((n) => n.startsWith(PREFIX));
  const etc = existsSync("/etc/netns") ? readdirSync("/etc/netns").filter((n) => n.startsWith(PREFIX)) : [];
  const records = existsSync(REGISTRY_DIR)
    ? readdirSync(REGISTRY_DIR)
        .filter((f) => /^[0-9a-f]{6}\.json$/.test(f))
        .map((f) => f.slice(0, 6))
    : [];
  const runIds = new Set([...[...namespaces, ...etc].map(runIdOf).filter((r): r is string => !!r), ...records]);
  const removed: string[] = [];
  for (const runId of runIds) {
    if (opts.only && runId !== opts.only) continue;
    const rec = readRecord(runId);
    if (rec && rec.pid !== process.pid && alive(rec.pid) && !rec.kept) continue; // a live run
    if (rec?.kept && !opts.includeKept) continue;
    const mine = namespaces.filter((n) => runIdOf(n) === runId);
    // Hosts first, the hub (bridge) last.
    mine.sort((a, b) => Number(a.endsWith("hub")) - Number(b.endsWith("hub")));
    for (const ns of mine) await removeNamespace(ns);
    await killTagged(runId);
    for (const dir of etc.filter((n) => runIdOf(n) === runId))
      rmSync(`/etc/netns/${dir}`, { recursive: true, force: true });
    rmSync(join(REGISTRY_DIR, runId), { recursive: true, force: true });
    unregister(runId);
    removed.push(runId);
  }
  return removed;
}
