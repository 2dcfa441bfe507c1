// Run a plan: bring each world up once, run its cells concurrently, keep the evidence, tear down.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Implementation } from "../load/environments.ts";
import type { CellPlan, WorldPlan } from "../plan/plan.ts";
import type { Fill } from "../plan/stacks.ts";
import type { Profile } from "../schema/scenario.ts";
import { upNetnsWorld, type StartedWorld } from "../driver/netns/world.ts";
import { release } from "../os/teardown.ts";
import { captureServedRecords, cellNeedles, evidenceDirOf, isLog, writeCellEvidence } from "../results/evidence.ts";
import { LogIndex } from "../results/log-index.ts";
import { RESULTS_SCHEMA, type CellResult, type Results, type RoleFill, type WorldResult } from "../results/results.ts";
import { versionOf } from "../results/versions.ts";
import { runCell, sharedRun, type CellRun } from "./run-cell.ts";
import { sendCanary, settleFromCapture } from "./capture-check.ts";
import { Limiter, mapWith } from "./limiter.ts";

/** Cells in flight at once, over all worlds that are up: enough to keep two cores busy, few
 *  enough that a slow daemon shows up as slow rather than as a pile of time-outs. With 16 a full
 *  run took 109.8 s, with 32 118.1 s (farm-bench, 3 interleaved pairs, each 0.93-0.96). */
const CELL_CONCURRENCY = Number(process.env.NCCOE_CELL_CONCURRENCY ?? 16);
/** Worlds running cells at once (netns; NCCOE_WORLD_CONCURRENCY). One by default: the cells keep
 *  both cores busy, and a second world only competed for them (a full run took 256 s with two
 *  up at once, 238 s with one). Yet the next world comes up while the last one settles its
 *  capture, writes its evidence and tears down (see runPlan). Docker worlds share container
 *  names and subnets: strictly one after another. */
const worldConcurrency = (driver: RunOptions["driver"]) =>
  driver === "docker" ? 1 : Number(process.env.NCCOE_WORLD_CONCURRENCY ?? 1);

export interface RunOptions {
  runId: string;
  runDir: string;
  repoRoot: string;
  profile: Profile;
  weakenSender: boolean;
  /** With weakenSender: "may" (opportunistic TLS, the default) or "none" (no TLS at all). */
  weakenLevel?: "may" | "none";
  /** The receiving mail client believes any signed message (developer check of the S/MIME cases). */
  weakenMua?: boolean;
  imapPassword: string;
  progress: (line: string) => void;
  /** Which driver brings worlds up; netns unless asked. */
  driver?: "netns" | "docker";
  /** Shared by the worlds of a run; made by runPlan when not given. */
  cellLimiter?: Limiter;
}

/** The driver's up function; docker's is loaded only when asked for (it pulls in testcontainers). */
export async function upFunction(driver: RunOptions["driver"]): Promise<typeof upNetnsWorld> {
  return driver === "docker" ? (await import("../driver/docker/world.ts")).upDockerWorld : upNetnsWorld;
}

async function roleFill(f: Fill, envs: Map<string, Implementation>, cwd: string): Promise<RoleFill> {
  const impl = envs.get(f.impl);
  if (!impl) throw new Error(`environments/${f.impl}/ does not exist`);
  return {
    implementation: f.impl,
    title: impl.manifest.title,
    version: await versionOf(impl, cwd),
    ...(f.name !== f.impl ? { as: f.name } : {}),
    ...(f.standInFor ? { standInFor: f.standInFor } : {}),
    ...(f.bound ? { bound: true } : {}),
  };
}

/** Which software filled each role of a cell, with versions read from the binaries. */
async function rosterOf(w: WorldPlan, c: CellPlan, envs: Map<string, Implementation>, cwd: string) {
  const rf = (f: Fill) => roleFill(f, envs, cwd);
  const dns = {
    authority: await rf(c.dns.authority),
    resolver: await rf(c.dns.resolver),
    signer: await rf(c.dns.signer),
  };
  const lab: Record<string, RoleFill> = { "mta-sender": await rf(c.sender.fill), ...dns };
  if (c.mua) lab.mua = await rf(c.mua);
  const plain = (name: string): Fill => ({ name, impl: name });
  const remote: Record<string, RoleFill> = {
    "mta-receiver": await rf(plain(w.receiver.mta)),
    mda: await rf(plain(w.receiver.mda)),
    authority: await rf(plain(w.stack.authority)),
    resolver: await rf(plain(w.stack.resolver)),
    signer: await rf(plain(w.stack.signer)),
  };
  return { lab, remote };
}

function cellResult(
  w: WorldPlan,
  roster: CellResult["roster"],
  run: CellRun | { cell: CellPlan; outcome: "error"; reason: string },
  runDir: string,
): CellResult {
  const c = run.cell;
  const base = {
    id: c.id,
    caseId: c.caseId,
    canonical: c.canonical,
    ...(c.case.attack ? { attack: c.case.attack.kind } : {}),
    ...(c.sender.control ? { control: true } : {}),
    scenario: c.scenarioId,
    sequence: c.sequence,
    world: w.id,
    profile: c.profile,
    roster,
    expected: c.expectation,
    refs: c.case.refs,
    evidence: evidenceDirOf(runDir, c.id).rel,
    ...(c.sameAs ? { sameExperimentAs: c.sameAs } : {}),
  };
  if ("outcome" in run) return { ...base, outcome: "error", reason: run.reason, durationSeconds: 0 };
  return {
    ...base,
    observed: run.evidence.kind === "observed" ? run.evidence.observation : undefined,
    matched: run.verdict.matched,
    outcome: run.verdict.outcome,
    reason: run.verdict.reason,
    durationSeconds: Number(run.seconds.toFixed(3)),
  };
}

export async function runWorld(
  w: WorldPlan,
  envs: Map<string, Implementation>,
  opts: RunOptions,
  /** Called once the world's cells are all observed (or it failed): the next world may come up. */
  cellsDone: () => void = () => undefined,
): Promise<{ world: WorldResult; cells: CellResult[] }> {
  // Read every version at once (each is a process), then fill the rosters from the cache.
  const used = new Set([w.stack.authority, w.stack.resolver, w.stack.signer, w.receiver.mta, w.receiver.mda]);
  for (const c of w.cells)
    [c.sender.fill, c.dns.authority, c.dns.resolver, c.dns.signer, c.mua].forEach((f) => f && used.add(f.impl));
  await Promise.all([...used].map((name) => envs.get(name) && versionOf(envs.get(name)!, opts.repoRoot)));
  const rosters = new Map<string, CellResult["roster"]>();
  for (const c of w.cells) rosters.set(c.id, await rosterOf(w, c, envs, opts.repoRoot));
  let started: StartedWorld | undefined;
  try {
    const up = await upFunction(opts.driver);
    started = await up(w, envs, {
      runId: opts.runId,
      worldDir: join(opts.runDir, "worlds", w.id),
      repoRoot: opts.repoRoot,
      smtpTlsSecurityLevel: opts.weakenSender ? (opts.weakenLevel ?? "may") : "dane",
      imapPassword: opts.imapPassword,
      progress: opts.progress,
      weakenMua: opts.weakenMua,
    });
  } catch (e) {
    const reason = `world ${w.id} did not come up: ${(e as Error).message}`;
    opts.progress(reason);
    return {
      world: { id: w.id, scenarios: w.scenarioIds, bringUpSeconds: {}, error: reason },
      cells: w.cells.map((cell) =>
        cellResult(w, rosters.get(cell.id)!, { cell, outcome: "error", reason }, opts.runDir),
      ),
    };
  }
  try {
    // The slow cells first (an attacker in the path, S/MIME's three verifiers, a DNS fault that
    // waits for a time-out), so the world does not end on a long tail with idle cores.
    const slowFirst = (c: CellPlan) => (c.case.attack || c.case.smime ? 0 : c.case.dnsFault ? 1 : 2);
    const experiments = w.cells.filter((c) => !c.sameAs).sort((a, b) => slowFirst(a) - slowFirst(b));
    const shared = w.cells.length - experiments.length;
    opts.progress(
      `${w.id}: up in ${started.timings.total?.toFixed(2)} s; running ${w.cells.length} cells` +
        (shared
          ? ` (${experiments.length} experiments; ${shared} cells repeat one of them and share its observation)`
          : ""),
    );
    const cellsStart = performance.now();
    let done = 0;
    const limiter = opts.cellLimiter ?? new Limiter(CELL_CONCURRENCY);
    const runs = await mapWith(limiter, experiments, async (cell) => {
      const r = await runCell(started!, envs, cell, opts.imapPassword);
      done++;
      opts.progress(`[${done}/${experiments.length}] ${cell.id}: observed in ${r.seconds.toFixed(2)} s`);
      return r;
    });
    const cellsSeconds = (performance.now() - cellsStart) / 1000;
    cellsDone();
    const served = await captureServedRecords(started).catch(() => new Map<string, string>());
    const canary = await sendCanary(started);
    const { settled: observed, verdict: capture } = await settleFromCapture(started, runs, canary);
    const byId = new Map(observed.map((r) => [r.cell.id, r]));
    const settled = w.cells.map((c) => (c.sameAs ? sharedRun(byId.get(c.sameAs)!, c) : byId.get(c.id)!));
    const te = performance.now();
    const logs = new LogIndex(started.instances, isLog, new Set(observed.flatMap(cellNeedles)));
    for (const r of settled) {
      opts.progress(`${r.cell.id}: ${r.verdict.outcome.toUpperCase()}`);
      writeCellEvidence(
        started,
        r,
        evidenceDirOf(opts.runDir, r.cell.id).abs,
        served.get(r.cell.casePlan.case.id),
        logs,
        r.cell.sameAs ? evidenceDirOf(opts.runDir, r.cell.sameAs).abs : undefined,
      );
    }
    opts.progress(
      `${w.id}: records, canary and capture ${((te - cellsStart) / 1000 - cellsSeconds).toFixed(1)} s, evidence ${((performance.now() - te) / 1000).toFixed(1)} s`,
    );
    const timings = Object.fromEntries(Object.entries(started.timings).map(([k, v]) => [k, Number(v!.toFixed(3))]));
    return {
      world: {
        id: w.id,
        scenarios: w.scenarioIds,
        stack: w.stack.name,
        cells: w.cells.length,
        experiments: experiments.length,
        bringUpSeconds: timings,
        cellsSeconds: Number(cellsSeconds.toFixed(3)),
        capture,
      },
      cells: settled.map((r) => cellResult(w, rosters.get(r.cell.id)!, r, opts.runDir)),
    };
  } finally {
    cellsDone();
    const td = performance.now();
    release(started);
    await started[Symbol.asyncDispose]();
    const steps = Object.entries(started.teardownTimings ?? {})
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(", ");
    opts.progress(
      `${w.id}: torn down in ${((performance.now() - td) / 1000).toFixed(1)} s${steps ? ` (${steps})` : ""}`,
    );
  }
}

export async function runPlan(
  worlds: WorldPlan[],
  envs: Map<string, Implementation>,
  opts: RunOptions,
): Promise<Results> {
  const started = new Date().toISOString();
  mkdirSync(opts.runDir, { recursive: true });
  // Daemons drop privileges (postfix, dovecot, mail users) and must reach their folders inside.
  chmodSync(opts.runDir, 0o755);
  const results: Results = {
    schema: RESULTS_SCHEMA,
    runId: opts.runId,
    driver: opts.driver ?? "netns",
    profile: opts.profile,
    started,
    finished: started,
    options: {
      weakenedSender: opts.weakenSender,
      ...(opts.weakenSender ? { senderTlsLevel: opts.weakenLevel ?? "may" } : {}),
      ...(opts.weakenMua ? { weakenedMua: true } : {}),
    },
    worlds: [],
    cells: [],
    peakRssMiB: 0,
  };
  const shared = { ...opts, cellLimiter: opts.cellLimiter ?? new Limiter(CELL_CONCURRENCY) };
  const concurrency = worldConcurrency(opts.driver);
  const perWorld =
    opts.driver === "docker" || concurrency > 1
      ? await mapWith(new Limiter(concurrency), worlds, (w) => runWorld(w, envs, shared))
      : await pipelined(worlds, (w, cellsDone) => runWorld(w, envs, shared, cellsDone));
  for (const r of perWorld) {
    results.worlds.push(r.world);
    results.cells.push(...r.cells);
  }
  results.finished = new Date().toISOString();
  results.peakRssMiB = Number((process.resourceUsage().maxRSS / 1024).toFixed(1));
  writeFileSync(join(opts.runDir, "results.json"), JSON.stringify(results, null, 2) + "\n");
  return results;
}

/** One world at a time brings itself up and runs its cells; once its cells are done, the next one
 *  starts coming up while it settles, writes evidence and tears down. In order of `items`. */
function pipelined<T, R>(items: T[], fn: (t: T, done: () => void) => Promise<R>): Promise<R[]> {
  const stage = new Limiter(1);
  return Promise.all(
    items.map(
      (t) =>
        new Promise<R>((resolve, reject) => {
          void stage.run(
            () =>
              new Promise<void>((done) => {
                fn(t, done).then(resolve, reject).finally(done);
              }),
          );
        }),
    ),
  );
}
