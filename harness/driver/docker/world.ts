// The docker driver: up(plan) -> StartedWorld, like the netns driver, with one container per world
// host (root, lab, remote, mua, and attacker for attack cases) on one internal docker network at
// the plan's addresses, brought up from docker-compose.yml (compose.ts). Daemons run
// with `docker exec` in the foreground; the repository, the run folder, the socket folder and the
// unpacked packages are mounted at the same paths, so rendered configs, logs and evidence are the
// same files as with netns. Signers and the root operator run on the host, as with netns.
import { mkdirSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { StartedTestContainer } from "testcontainers";
import type { Implementation } from "../../load/environments.ts";
import type { WorldPlan } from "../../plan/plan.ts";
import { run, runOk, type ExecResult } from "../../os/exec.ts";
import { worldInstances, type HostName } from "../../world/instances.ts";
import { MuaClient } from "../../mua/client.ts";
import { signal, waitGone, type Daemon } from "../daemon.ts";
import { checkNotStopping, own, release } from "../../os/teardown.ts";
import { startSmtpCapture } from "../smtp-capture.ts";
import { REGISTRY_DIR } from "../netns/registry.ts";
import { StartedWorld, type UpOptions } from "../netns/world.ts";
import { containerName } from "./engine.ts";
import { ComposedWorld } from "./compose.ts";
import { removeDeadDockerRuns } from "./leftovers.ts";
import { digIn, execIn, startInstanceInContainer } from "./start-instance.ts";
import { addAddresses, hostSpecs } from "./hosts.ts";
import { startAttacker } from "../netns/attacker.ts";
import { prepareWorldFiles, signAndStartDaemons, waitValidatedTlsa } from "../bring-up.ts";

export class DockerWorld extends StartedWorld {
  compose?: ComposedWorld;
  readonly containerPids = new Map<HostName, number>(); // each container's PID 1, as the machine sees it
  attachedNs?: string;
  private gone = false;

  containerOf(host: HostName): StartedTestContainer {
    const c = this.compose?.containers.get(host);
    if (!c) throw new Error(`no container for host '${host}'`);
    return c;
  }

  /** The container's name: `docker exec -it <name> bash` enters the host. */
  override nsOf(host: HostName): string {
    return containerName(this.opts.runId, host);
  }

  override exec(host: HostName, argv: string[]): Promise<ExecResult> {
    return execIn(this.containerOf(host), argv);
  }

  override async [Symbol.asyncDispose](): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    this.logs.close();
    await this.mua?.[Symbol.asyncDispose]();
    for (const d of [...this.daemons].reverse()) await d.stop();
    if (this.attachedNs) await run(["ip", "netns", "delete", this.attachedNs]);
    await this.compose?.[Symbol.asyncDispose](); // compose down: the containers and the network
    for (const d of this.daemons) signal(d.pid, "SIGKILL"); // exec clients, if a stream was still open
    await waitGone(
      this.daemons.map((d) => d.pid),
      2000,
    );
    rmSync(join(REGISTRY_DIR, this.opts.runId, this.plan.id), { recursive: true, force: true });
    try {
      rmdirSync(join(REGISTRY_DIR, this.opts.runId));
    } catch {
      /* other worlds of the run still use it */
    }
  }
}

const since = (t0: number) => (performance.now() - t0) / 1000;

export async function upDockerWorld(
  plan: WorldPlan,
  envs: Map<string, Implementation>,
  opts: UpOptions,
): Promise<StartedWorld> {
  const t0 = performance.now();
  const say = opts.progress ?? (() => undefined);
  const dir = opts.worldDir;
  const dockerDir = join(dir, "docker");
  const pidDir = join(dockerDir, "pids");
  mkdirSync(pidDir, { recursive: true });
  const { paths, pki: pkiPromise, tree } = prepareWorldFiles(plan, envs, opts);
  mkdirSync(paths.socketsDir, { recursive: true });
  const instances = worldInstances(plan, paths);
  const world = own(new DockerWorld(plan, instances, opts));
  try {
    await removeDeadDockerRuns(opts.runId, say);
    say(`${plan.id}: docker-compose up (network and containers)`);
    const hosts = hostSpecs(plan);
    world.compose = new ComposedWorld({
      runId: opts.runId,
      worldId: plan.id,
      repoRoot: opts.repoRoot,
      worldDir: dir,
      attack: hosts.some((h) => h.host === "attacker"),
    });
    await world.compose.up();
    checkNotStopping();
    await Promise.all(
      hosts.map(async (h) => world.containerPids.set(h.host, await addAddresses(world.containerOf(h.host).getId(), h))),
    );
    world.timings.namespaces = since(t0);
    const capture = await startSmtpCapture(world, {
      name: "host/tcpdump",
      receiverIp: plan.remote.mtaIp,
      dir,
      cwd: opts.repoRoot,
    });
    await signAndStartDaemons(world, pkiPromise, tree, {
      envs,
      paths,
      t0,
      say,
      startOne: async (impl, i) =>
        (await startInstanceInContainer(
          impl,
          i,
          world.containerOf(i.host),
          opts.repoRoot,
          pidDir,
          world.containerPids.get(i.host)!,
        )) as unknown as Daemon | undefined,
      validatedTlsa: () =>
        waitValidatedTlsa(plan, (server, name, type) => digIn(world.containerOf("lab"), server, name, type)),
      instruments: async () => {
        if (!plan.cases.some((c) => c.upstreamIp)) return;
        // The attacker's proxy (a test instrument) runs in the attacker container's network
        // namespace, through a name attached to it; the name goes with the container.
        const ns = `${containerName(opts.runId, "attacker")}-net`;
        await runOk(["ip", "netns", "attach", ns, String(world.containerPids.get("attacker"))]);
        world.attachedNs = ns;
        world.attacker = await startAttacker(world, ns);
      },
    });
    const muaInst = instances.find((i) => i.role === "mua");
    if (muaInst) world.mua = await MuaClient.connect(join(String(muaInst.context.sockDir), "agent.sock"));
    await capture.listening;
    world.timings.total = since(t0);
    return world;
  } catch (e) {
    release(world);
    await world[Symbol.asyncDispose]();
    throw e;
  }
}
