// npm run bench [-- --runs N --sequence 17]: bring-up and per-case figures on real daemons.
// A script that prints numbers, not a timed test.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadAll } from "./cli/load-all.ts";
import { newRunId } from "./driver/netns/names.ts";
import { removeStale } from "./driver/netns/registry.ts";
import { installSignalTeardown } from "./os/teardown.ts";
import { runPlan } from "./run/run-plan.ts";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "3" }, sequence: { type: "string", default: "17" } },
});
const runs = Number(values.runs);
const repoRoot = join(import.meta.dirname, "..");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

installSignalTeardown();
await removeStale({ includeKept: false });
const loaded = loadAll(repoRoot, { sequences: values.sequence.split(",").map(Number), cases: [], profile: "rfc7672" });
const phases = new Map<string, number[]>();
const perCase: number[] = [];
const wall: number[] = [];
let outcomes = "";
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const runId = newRunId();
  const r = await runPlan(loaded.worlds, loaded.envs, {
    runId,
    runDir: mkdtempSync(join(tmpdir(), `nccoe-bench-${runId}-`)),
    repoRoot,
    profile: "rfc7672",
    weakenSender: false,
    imapPassword: randomBytes(6).toString("hex"),
    progress: () => undefined,
  });
  wall.push((performance.now() - t0) / 1000);
  for (const w of r.worlds)
    for (const [k, v] of Object.entries(w.bringUpSeconds)) phases.set(k, [...(phases.get(k) ?? []), v]);
  perCase.push(...r.cells.map((c) => c.durationSeconds));
  outcomes = r.cells.map((c) => `${c.id}=${c.outcome}`).join(" ");
  process.stderr.write(`run ${i + 1}/${runs}: ${wall.at(-1)!.toFixed(2)} s (${outcomes})\n`);
}
const fmt = (xs: number[]) =>
  `median ${median(xs).toFixed(3)} s  (min ${Math.min(...xs).toFixed(3)}, max ${Math.max(...xs).toFixed(3)})`;
console.log(
  `sequence ${values.sequence}, ${runs} runs, ${loaded.worlds.length} world(s), ${perCase.length / runs} cells per run`,
);
console.log("bring-up, seconds since start of the world (cumulative):");
for (const key of ["namespaces", "signed", "dnsAnswering", "validatedTlsa", "mtasReady", "total"])
  if (phases.has(key)) console.log(`  ${key.padEnd(14)} ${fmt(phases.get(key)!)}`);
console.log(`seconds per case (submit -> final status -> mailbox): ${fmt(perCase)}`);
console.log(`whole run (bring-up, cases, evidence, teardown):      ${fmt(wall)}`);
console.log(`harness peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
console.log(`last outcomes: ${outcomes}`);
