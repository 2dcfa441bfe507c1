// For scenario tests: whether this machine can run real daemons (root, and the commands and
// files a test needs). Tests that cannot run here are skipped, and vitest says so.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAll } from "../cli/load-all.ts";
import { listNamespaces } from "../driver/netns/network.ts";
import { newRunId } from "../driver/netns/names.ts";
import { runPlan, type RunOptions } from "./run-plan.ts";

type LoadFilter = Parameters<typeof loadAll>[1];

/** `executables`: files that must exist and be executable (e.g. an unpacked binary). */
export function canRunDaemons(commands: string[], executables: string[] = []): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync("sh", ["-c", `command -v ${commands.join(" ")}`], { stdio: "ignore" });
  } catch {
    return false;
  }
  return executables.every((f) => {
    try {
      accessSync(f, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Run the scenarios a filter picks (the canonical Postfix with NSD + Unbound + OpenDNSSEC
 *  unless it says otherwise) in a fresh run folder; also report any namespace left behind. */
export async function runForTest(
  repoRoot: string,
  filter: Partial<Pick<LoadFilter, "sequences" | "catalogues" | "cases" | "mta" | "dns">>,
  opts: Partial<Pick<RunOptions, "weakenSender" | "weakenLevel" | "weakenMua" | "driver">> = {},
) {
  const loaded = loadAll(repoRoot, {
    cases: [],
    profile: "rfc7672",
    mta: ["postfix"],
    dns: ["nsd+unbound+opendnssec"],
    ...filter,
  });
  const runId = newRunId();
  const results = await runPlan(loaded.worlds, loaded.envs, {
    runId,
    runDir: mkdtempSync(join(tmpdir(), `nccoe-test-${runId}-`)),
    repoRoot,
    profile: "rfc7672",
    weakenSender: false,
    imapPassword: randomBytes(6).toString("hex"),
    progress: () => undefined,
    ...opts,
  });
  const leftovers = (await listNamespaces()).filter((n) => n.includes(runId));
  return { loaded, results, leftovers, byId: new Map(results.cells.map((c) => [c.caseId, c])) };
}
