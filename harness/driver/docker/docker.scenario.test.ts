// Sequence 17 (Postfix, NSD + Unbound + OpenDNSSEC) on the docker driver: the same verdicts as
// the netns driver (every cell passes), the capture works, and no container or network is left.
// Skipped without root, the daemons' packages, or a docker engine with the world image
// (bash harness/driver/docker/setup.sh provides the last two).
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAll } from "../../cli/load-all.ts";
import { newRunId } from "../netns/names.ts";
import { runPlan } from "../../run/run-plan.ts";
import { dockerClient, dockerUsable, RUN_LABEL } from "./engine.ts";

const repoRoot = join(import.meta.dirname, "..", "..", "..");
const isRoot = process.getuid?.() === 0;
const usable = isRoot && (await dockerUsable());

describe.skipIf(!usable)("sequence 17 on the docker driver (needs root, dockerd and nccoe/world)", () => {
  it("gives the netns verdicts (every cell passes) and leaves no container or network", async () => {
    const loaded = loadAll(repoRoot, {
      sequences: [17],
      cases: [],
      profile: "rfc7672",
      mta: ["postfix"],
      dns: ["nsd+unbound+opendnssec"],
    });
    const runId = newRunId();
    const results = await runPlan(loaded.worlds, loaded.envs, {
      runId,
      runDir: mkdtempSync(join(tmpdir(), `nccoe-docker-test-${runId}-`)),
      repoRoot,
      profile: "rfc7672",
      weakenSender: false,
      imapPassword: randomBytes(6).toString("hex"),
      progress: () => undefined,
      driver: "docker",
    });
    expect(results.driver).toBe("docker");
    expect(results.worlds[0]?.error).toBeUndefined();
    expect(results.worlds[0]?.capture?.canarySeen).toBe(true);
    expect(results.cells.length).toBe(loaded.worlds.reduce((n, w) => n + w.cells.length, 0));
    expect(results.cells.length).toBeGreaterThanOrEqual(2);
    expect(results.cells.filter((c) => c.outcome !== "pass").map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    const byId = new Map(results.cells.map((c) => [c.caseId, c]));
    expect(byId.get("seq17/dane-ee-valid")?.reason).toContain("delivered, TLS verified, no cleartext");
    expect(byId.get("seq17/dane-ee-wrong-digest")?.reason).toContain("withheld, TLS verification-failed, no cleartext");
    const docker = (await dockerClient()).container.dockerode;
    const label = [`${RUN_LABEL}=${runId}`];
    expect(await docker.listContainers({ all: true, filters: { label } })).toEqual([]);
    expect(await docker.listNetworks({ filters: { label } })).toEqual([]);
  }, 300_000);
});
