// A daemon killed mid-run: the cells that needed it are errors with the reason, never a pass,
// and teardown still leaves nothing behind.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAll } from "../cli/load-all.ts";
import { signal, waitGone } from "../driver/daemon.ts";
import { listNamespaces } from "../driver/netns/network.ts";
import { newRunId } from "../driver/netns/names.ts";
import { upNetnsWorld } from "../driver/netns/world.ts";
import { runCell } from "./run-cell.ts";
import { canRunDaemons } from "./scenario-support.ts";

const repoRoot = join(import.meta.dirname, "..", "..");
const ready = canRunDaemons(["postfix", "nsd", "unbound", "ods-enforcer", "tcpdump"]);

describe.skipIf(!ready)("a daemon killed mid-run (needs root and the packages)", () => {
  it("makes the cell an error with the reason, and teardown still removes everything", async () => {
    const { worlds, envs } = loadAll(repoRoot, {
      sequences: [17],
      cases: ["seq17/dane-ee-valid"],
      profile: "rfc7672",
      mta: ["postfix"],
      dns: ["nsd+unbound+opendnssec"],
    });
    const plan = worlds[0]!;
    const runId = newRunId();
    const dir = mkdtempSync(join(tmpdir(), `nccoe-test-${runId}-`));
    chmodSync(dir, 0o755); // daemons drop privileges and must reach their folders
    const password = randomBytes(6).toString("hex");
    const world = await upNetnsWorld(plan, envs, {
      runId,
      worldDir: join(dir, "world"),
      repoRoot,
      smtpTlsSecurityLevel: "dane",
      imapPassword: password,
    });
    try {
      // Kill the receiving Postfix outright, as a crash would: every process of that instance
      // (Postfix's master leaves the starter's process group, so find them by MAIL_CONFIG).
      const inst = world.instances.find((i) => i.role === "mta-receiver")!;
      const pids = readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .map(Number)
        .filter((p) => {
          try {
            return readFileSync(`/proc/${p}/environ`, "latin1").split("\0").includes(`MAIL_CONFIG=${inst.dir}`);
          } catch {
            return false;
          }
        });
      expect(pids.length).toBeGreaterThan(0);
      for (const p of pids) signal(p, "SIGKILL");
      await waitGone(pids, 5000);
      const r = await runCell(world, envs, plan.cells[0]!, password);
      expect(r.verdict.outcome, r.verdict.reason).toBe("error");
      expect(r.verdict.reason).toMatch(/the world broke during the cell: remote\/postfix-mta-receiver exited/);
    } finally {
      await world[Symbol.asyncDispose]();
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await listNamespaces()).filter((n) => n.includes(runId))).toEqual([]);
  });
});
