// docker-compose.yml brought up bare (no daemons) through testcontainers' DockerComposeEnvironment,
// as the docker driver brings each world up: every host at its address on the internal network,
// its resolv.conf naming its site's resolver with trust-ad, no route out of the world (no default
// route, no IPv6), the machine not answering for the world's addresses; and `down` (also on
// failure and Ctrl-C) leaves no container or network. Skipped, with the reason in its name,
// without root, a docker engine with nccoe/world, or a compose (setup.sh installs docker-compose).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../os/exec.ts";
import { installSignalTeardown, own, release } from "../../os/teardown.ts";
import { newRunId } from "../netns/names.ts";
import { bridgeName, composeAvailable, ComposedWorld } from "./compose.ts";
import { dockerClient, dockerUsable, RUN_LABEL } from "./engine.ts";
import { execIn } from "./start-instance.ts";

const repoRoot = join(import.meta.dirname, "..", "..", "..");
const why =
  process.getuid?.() !== 0
    ? "needs root"
    : !(await dockerUsable())
      ? "needs dockerd and nccoe/world: bash harness/driver/docker/setup.sh"
      : !(await composeAvailable())
        ? "needs docker-compose: bash harness/driver/docker/setup.sh"
        : "";

/** Each host's address and the resolver its resolv.conf must name (none: no resolver). */
const EXPECTED = {
  root: { ip: "192.0.2.2", resolver: undefined },
  lab: { ip: "192.0.2.10", resolver: "192.0.2.10" },
  remote: { ip: "192.0.2.20", resolver: "192.0.2.20" },
  mua: { ip: "192.0.2.30", resolver: "192.0.2.10" },
  attacker: { ip: "192.0.2.40", resolver: undefined },
} as const;

/** One host's address, resolver and routes, as the container and the engine see them. */
async function checkHost(world: ComposedWorld, host: keyof typeof EXPECTED): Promise<void> {
  const c = world.containers.get(host)!;
  const want = EXPECTED[host];
  const docker = (await dockerClient()).container.dockerode;
  const nets = (await docker.getContainer(c.getId()).inspect()).NetworkSettings.Networks;
  expect(Object.values(nets).map((n) => n.IPAddress)).toEqual([want.ip]);
  const [addr4, resolv, routes, addr6, out] = await Promise.all(
    [
      ["ip", "-4", "-o", "addr", "show", "dev", "eth0"],
      ["cat", "/etc/resolv.conf"],
      ["ip", "-4", "route", "show"],
      ["ip", "-6", "-o", "addr", "show"],
      // A route lookup: the kernel refuses an address in no route, and nothing is sent.
      ["ip", "route", "get", "198.51.100.1"],
    ].map((argv) => execIn(c, argv)),
  );
  expect(addr4!.stdout).toContain(` inet ${want.ip}/24 `);
  expect([...resolv!.stdout.matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1])).toEqual(
    want.resolver ? [want.resolver] : [],
  );
  if (want.resolver) expect(resolv!.stdout).toMatch(/^options .*\btrust-ad\b/m);
  // Nothing outside the world: only the on-link route (no default route) and no IPv6.
  expect(routes!.stdout.trim()).toBe(`192.0.2.0/24 dev eth0 proto kernel scope link src ${want.ip}`);
  expect(addr6!.stdout.trim()).toBe("");
  expect([out!.code, out!.stderr.trim()]).toEqual([2, "RTNETLINK answers: Network is unreachable"]);
}

describe.skipIf(why)(`docker-compose.yml through DockerComposeEnvironment${why ? ` (skipped: ${why})` : ""}`, () => {
  it("gives every host its address and resolver, no way out, and leaves nothing after down", async () => {
    const uninstall = installSignalTeardown();
    const runId = newRunId();
    const worldDir = mkdtempSync(join(tmpdir(), `nccoe-compose-test-${runId}-`));
    const world = own(new ComposedWorld({ runId, worldId: "w1-compose", repoRoot, worldDir, attack: true }));
    const docker = (await dockerClient()).container.dockerode;
    try {
      await world.up();
      expect(world.hosts).toEqual(["root", "lab", "remote", "mua", "attacker"]);
      await Promise.all(world.hosts.map((h) => checkHost(world, h as keyof typeof EXPECTED)));
      // The bridge has no address, and lab reaches 192.0.2.2 at the root container (port 9
      // refuses), not at the machine, even where the machine owns that address.
      const bridge = bridgeName(runId, "w1-compose");
      expect((await run(["ip", "-4", "-o", "addr", "show", "dev", bridge])).stdout.trim()).toBe("");
      const lab = world.containers.get("lab")!;
      const probe = await execIn(lab, ["timeout", "5", "bash", "-c", "exec 3<>/dev/tcp/192.0.2.2/9"]);
      expect(probe.stderr).toContain("Connection refused");
      const root = await docker.getContainer(world.containers.get("root")!.getId()).inspect();
      const rootMac = Object.values(root.NetworkSettings.Networks)[0]!.MacAddress;
      expect((await execIn(lab, ["ip", "neigh", "show", "192.0.2.2"])).stdout).toContain(`lladdr ${rootMac} `);
    } finally {
      release(world);
      await world[Symbol.asyncDispose]();
      uninstall();
      rmSync(worldDir, { recursive: true, force: true });
      rmSync(join("/run/nccoe-harness", runId), { recursive: true, force: true }); // docker made it
    }
    const label = [`${RUN_LABEL}=${runId}`];
    expect(await docker.listContainers({ all: true, filters: { label } })).toEqual([]);
    expect(await docker.listNetworks({ filters: { label } })).toEqual([]);
  }, 120_000);
});
