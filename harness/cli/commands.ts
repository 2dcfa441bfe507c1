// The commands that touch the machine: run, up, down.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { InputError } from "../load/input-error.ts";
import { join, relative, resolve } from "node:path";
import { removeStale, register, unregister, keptRuns } from "../driver/netns/registry.ts";
import { newRunId } from "../driver/netns/names.ts";
import { tagThisProcess } from "../driver/tagged-processes.ts";
import { installSignalTeardown, isStopping, onFinalSweep, release } from "../os/teardown.ts";
import { runPlan, upFunction } from "../run/run-plan.ts";
import { allAsExpected, type Results } from "../results/results.ts";
import { compareRuns, verdictsOf, type RunVerdicts } from "../results/repeat.ts";
import { consoleSummary } from "../../reports/console-summary.ts";
import { writeReports } from "../../reports/write-reports.ts";
import type { Loaded } from "./load-all.ts";
import type { CliOptions } from "./options.ts";
import { describeWorld } from "./describe-world.ts";

function requireRoot(): void {
  if (process.getuid?.() !== 0)
    throw new Error("this command needs root (network namespaces and daemons): run it as root");
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** What a run writes at the top of its folder; a folder holding only these is an earlier run's. */
const RUN_ENTRIES = new Set(["results.json", "worlds", "cells", "junit.xml", "matrix.html", "allure-results"]);

function prepareRunDir(repoRoot: string, runId: string, out?: string): string {
  const runDir = out ? resolve(out) : join(repoRoot, "run", `${stamp()}-${runId}`);
  // An earlier run in the same --out folder is replaced: its logs would otherwise grow with
  // every run and be read again. Any other non-empty folder is refused, never emptied.
  if (out && existsSync(runDir) && readdirSync(runDir).length > 0) {
    const entries = readdirSync(runDir);
    const foreign = entries.filter((e) => !RUN_ENTRIES.has(e) && !/^repeat-\d+$/.test(e));
    if (foreign.length > 0)
      throw new InputError(
        runDir,
        "--out",
        `an empty folder or an earlier run's folder (it holds ${foreign.slice(0, 3).join(", ")})`,
      );
    for (const e of entries) rmSync(join(runDir, e), { recursive: true, force: true });
  }
  mkdirSync(runDir, { recursive: true });
  if (!out) {
    const latest = join(repoRoot, "run", "latest");
    rmSync(latest, { force: true });
    symlinkSync(runDir, latest);
  }
  return runDir;
}

/** On a signal, after the worlds were disposed: remove anything still carrying this run's id. */
function sweepOnSignal(runId: string): void {
  onFinalSweep(async () => {
    unregister(runId);
    await removeStale({ includeKept: false, only: runId });
  });
}

async function cleanBefore(): Promise<void> {
  const removed = await removeStale({ includeKept: false });
  if (removed.length > 0)
    console.error(`removed what earlier runs left behind: ${removed.map((r) => `run ${r}`).join(", ")}`);
}

export async function commandRun(repoRoot: string, loaded: Loaded, opts: CliOptions): Promise<number> {
  requireRoot();
  installSignalTeardown();
  await cleanBefore();
  const runId = newRunId();
  tagThisProcess(runId);
  const runDir = prepareRunDir(repoRoot, runId, opts.out);
  register({ runId, pid: process.pid, kept: false, runDir, started: new Date().toISOString() });
  sweepOnSignal(runId);
  const t0 = performance.now();
  try {
    const cells = loaded.worlds.reduce((n, w) => n + w.cells.length, 0);
    const sent = loaded.worlds.reduce((n, w) => n + w.cells.filter((c) => !c.sameAs).length, 0);
    console.error(
      `run ${runId}: ${cells} cells in ${loaded.worlds.length} world(s)` +
        (sent < cells ? `, ${sent} experiments to send (the rest repeat one in the same world)` : "") +
        `; evidence in ${runDir}`,
    );
    // Of each repetition only the verdicts are kept, and the last one's results for the summary;
    // each one's results.json is written, and the comparison needs no more.
    const all: RunVerdicts[] = [];
    let results: Results | undefined;
    for (let i = 1; i <= opts.repeat; i++) {
      if (opts.repeat > 1) console.error(`repetition ${i}/${opts.repeat}`);
      results = await runPlan(loaded.worlds, loaded.envs, {
        runId,
        runDir: opts.repeat > 1 ? join(runDir, `repeat-${i}`) : runDir,
        repoRoot,
        profile: opts.profile,
        weakenSender: opts.weakenSender,
        weakenMua: opts.weakenMua,
        weakenLevel: opts.weakenLevel,
        driver: opts.driver,
        imapPassword: randomBytes(9).toString("base64url"),
        progress: (line) => console.error(`  ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s  ${line}`),
      });
      all.push(verdictsOf(results));
      if (isStopping()) break;
    }
    if (!results) throw new Error("no repetition ran");
    const lastDir = opts.repeat > 1 ? join(runDir, `repeat-${all.length}`) : runDir;
    if (isStopping()) {
      console.error("interrupted: partial results written; the world is being torn down");
      return 130;
    }
    console.log(consoleSummary(results));
    console.log(`results: ${join(lastDir, "results.json")}`);
    console.log(
      `reports: ${writeReports(lastDir)
        .map((f) => relative(process.cwd(), f))
        .join(", ")}`,
    );
    if (opts.repeat > 1) {
      const cmp = compareRuns(all);
      console.log(
        cmp.identical
          ? `repeat: identical verdicts on all ${opts.repeat} runs (${results.cells.length} cells)`
          : `repeat: verdicts DIFFER between runs:\n${cmp.differences.map((d) => `  ${d}`).join("\n")}`,
      );
      if (!cmp.identical) return 1;
    }
    return all.every((r) => allAsExpected(r.cells)) ? 0 : 1;
  } finally {
    unregister(runId);
  }
}

export async function commandUp(repoRoot: string, loaded: Loaded, opts: CliOptions): Promise<number> {
  requireRoot();
  installSignalTeardown();
  await cleanBefore();
  if (loaded.worlds.length !== 1)
    throw new Error(`up brings one world up; the filters select ${loaded.worlds.length} (use --sequence N)`);
  const plan = loaded.worlds[0]!;
  const runId = newRunId();
  tagThisProcess(runId);
  const runDir = prepareRunDir(repoRoot, runId, opts.out);
  register({ runId, pid: process.pid, kept: false, runDir, started: new Date().toISOString() });
  sweepOnSignal(runId);
  const imapPassword = randomBytes(9).toString("base64url");
  const world = await (
    await upFunction(opts.driver)
  )(plan, loaded.envs, {
    runId,
    worldDir: join(runDir, "worlds", plan.id),
    repoRoot,
    smtpTlsSecurityLevel: opts.weakenSender ? opts.weakenLevel : "dane",
    imapPassword,
    progress: (line) => console.error(`  ${line}`),
  });
  const summary = describeWorld(world, imapPassword);
  // From here the world outlives this process: mark it kept so no later run removes it.
  register({ runId, pid: process.pid, kept: true, runDir, started: new Date().toISOString(), summary });
  release(world);
  await world.mua?.[Symbol.asyncDispose]();
  console.log(summary);
  console.log(`\nThe world stays up. Remove it with: npm run nccoe -- down`);
  return 0;
}

export async function commandDown(only?: string): Promise<number> {
  requireRoot();
  const kept = keptRuns();
  const removed = await removeStale({ includeKept: true, only });
  // Docker worlds (`--driver docker`): their containers and networks, once their runs are gone.
  const { removeDockerLeftovers } = await import("../driver/docker/leftovers.ts");
  for (const r of await removeDockerLeftovers({ includeKept: true, only })) if (!removed.includes(r)) removed.push(r);
  console.log(
    removed.length === 0
      ? "nothing was running"
      : `removed ${removed.map((r) => `run ${r}${kept.some((k) => k.runId === r) ? " (kept by up)" : ""}`).join(", ")}`,
  );
  return 0;
}
