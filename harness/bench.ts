// npm run bench [-- --runs N --sequence 17 --dns bind --mta postfix]: bring-up per DNS stack,
// cells per second once a world is up, whole-run wall time and the harness's peak RSS.
// A script that prints figures, not a timed test.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadAll } from "./cli/load-all.ts";
import { newRunId } from "./driver/netns/names.ts";
import { register, removeStale, unregister } from "./driver/netns/registry.ts";
import { tagThisProcess } from "./driver/tagged-processes.ts";
import { installSignalTeardown } from "./os/teardown.ts";
import { runPlan } from "./run/run-plan.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    sequence: { type: "string" },
    dns: { type: "string" },
    mta: { type: "string" },
  },
});
const runs = Number(values.runs);
const repoRoot = join(import.meta.dirname, "..");
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (xs: number[]) =>
  `median ${median(xs).toFixed(2)}  (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)})`;

installSignalTeardown();
await removeStale({ includeKept: false });
const loaded = loadAll(repoRoot, {
  sequences: values.sequence?.split(",").map(Number),
  cases: [],
  profile: "rfc7672",
  dns: values.dns?.split(","),
  mta: values.mta?.split(","),
});
type StackFigures = { phases: Map<string, number[]>; rate: number[]; sendRate: number[]; cells: number; sent: number };
const perStack = new Map<string, StackFigures>();
const wall: number[] = [];
const perCase: number[] = [];
let outcomes = "";
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const runId = newRunId();
  const runDir = mkdtempSync(join(tmpdir(), `nccoe-bench-${runId}-`));
  // Registered as a run, so that a run started meanwhile does not take this one's worlds for
  // leftovers of a dead run and remove them.
  tagThisProcess(runId);
  register({ runId, pid: process.pid, kept: false, runDir, started: new Date().toISOString() });
  const r = await runPlan(loaded.worlds, loaded.envs, {
    runId,
    runDir,
    repoRoot,
    profile: "rfc7672",
    weakenSender: false,
    imapPassword: randomBytes(6).toString("hex"),
    progress: () => undefined,
  });
  wall.push((performance.now() - t0) / 1000);
  for (const w of r.worlds) {
    const s: StackFigures = perStack.get(w.stack ?? w.id) ?? {
      phases: new Map(),
      rate: [],
      sendRate: [],
      cells: w.cells ?? 0,
      sent: w.experiments ?? w.cells ?? 0,
    };
    for (const [k, v] of Object.entries(w.bringUpSeconds)) s.phases.set(k, [...(s.phases.get(k) ?? []), v]);
    if (w.cellsSeconds) s.rate.push((w.cells ?? 0) / w.cellsSeconds);
    if (w.cellsSeconds) s.sendRate.push((w.experiments ?? w.cells ?? 0) / w.cellsSeconds);
    perStack.set(w.stack ?? w.id, s);
  }
  perCase.push(...r.cells.map((c) => c.durationSeconds));
  const n = (o: string) => r.cells.filter((c) => c.outcome === o).length;
  outcomes = `pass ${n("pass")}, fail ${n("fail")}, error ${n("error")}`;
  process.stderr.write(`run ${i + 1}/${runs}: ${wall.at(-1)!.toFixed(1)} s, ${r.cells.length} cells (${outcomes})\n`);
  unregister(runId);
  rmSync(runDir, { recursive: true, force: true });
}
console.log(`${runs} runs, ${loaded.worlds.length} world(s), ${perCase.length / runs} cells per run`);
for (const [stack, s] of perStack) {
  console.log(
    `\n${stack} (${s.cells} cells, ${s.sent} of them sent; the rest share an identical experiment), seconds since the world started (cumulative):`,
  );
  for (const key of ["namespaces", "signed", "dnsAnswering", "validatedTlsa", "mtasReady", "total"])
    if (s.phases.has(key)) console.log(`  ${key.padEnd(14)} ${fmt(s.phases.get(key)!)}`);
  if (s.rate.length) console.log(`  cells/s once up ${fmt(s.rate)}`);
  if (s.sendRate.length) console.log(`  messages/s     ${fmt(s.sendRate)}`);
}
console.log(`\nseconds per cell (submit -> final status -> mailbox): ${fmt(perCase)}`);
console.log(`whole run (bring-up, cells, evidence, teardown):      ${fmt(wall)}`);
console.log(`harness peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
console.log(`last outcomes: ${outcomes}`);
