// One world's network and host containers, brought up from docker-compose.yml (the single source
// of the topology) through testcontainers' DockerComposeEnvironment. testcontainers runs
// `docker compose`; bookworm's docker.io has no compose plugin, so where a standalone
// `docker-compose` is on PATH (Debian's 1.29, which setup.sh installs, or v2's binary) it runs
// that instead. Up returns once each host's <host>-unroute service has deleted docker's default
// route (exit 0) and the bridge no longer answers ARP for the machine's own addresses.
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import {
  DockerComposeEnvironment,
  type StartedDockerComposeEnvironment,
  type StartedTestContainer,
} from "testcontainers";
import { run, runOk } from "../../os/exec.ts";
import type { HostName } from "../../world/instances.ts";
import { containerName, dockerClient, dockerEnv, removeDockerRuns, WORLD_IMAGE } from "./engine.ts";

export const COMPOSE_DIR = import.meta.dirname;
export const COMPOSE_FILE = "docker-compose.yml";
/** The hosts every world has; the attacker (compose profile "attack") only a world with attack cases. */
export const BASE_HOSTS = ["root", "lab", "remote", "mua"] as const satisfies readonly HostName[];

/** The standalone docker-compose where it is on PATH, else testcontainers' default (`docker compose`). */
export function composeExecutable(): { standalone: true } | undefined {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  return dirs.some((d) => existsSync(join(d, "docker-compose"))) ? { standalone: true } : undefined;
}

/** True when some compose can run the file (the compose scenario test skips otherwise). */
export async function composeAvailable(): Promise<boolean> {
  if (composeExecutable()) return true;
  return (await run(["docker", "compose", "version"]).catch(() => ({ code: 1 }))).code === 0;
}

/** Compose project names allow [a-z0-9_-] only. */
export function projectName(runId: string, worldId: string): string {
  return `nc-${runId}-${worldId}`.toLowerCase().replace(/[^a-z0-9_-]+/g, "-");
}

/** The world's bridge interface, e.g. "nc1a2b3cb1" (at most 15 characters). */
export function bridgeName(runId: string, worldId: string): string {
  return `nc${runId}b${/^w(\d+)/.exec(worldId)?.[1] ?? "0"}`.slice(0, 15);
}

export interface ComposeWorldSpec {
  runId: string;
  worldId: string;
  repoRoot: string;
  worldDir: string;
  /** Also the attacker host (profile "attack"). */
  attack: boolean;
}

export class ComposedWorld implements AsyncDisposable {
  readonly containers = new Map<HostName, StartedTestContainer>();
  started?: StartedDockerComposeEnvironment;
  private gone = false;

  constructor(readonly spec: ComposeWorldSpec) {}

  get hosts(): HostName[] {
    return [...BASE_HOSTS, ...(this.spec.attack ? ["attacker" as const] : [])];
  }

  environment(): DockerComposeEnvironment {
    const { runId, worldId, repoRoot, worldDir, attack } = this.spec;
    const executable = composeExecutable();
    return new DockerComposeEnvironment(COMPOSE_DIR, COMPOSE_FILE)
      .withProjectName(projectName(runId, worldId))
      .withEnvironment({
        NCCOE_REPO: repoRoot,
        NCCOE_RUN: runId,
        NCCOE_WORLD: worldId,
        NCCOE_WORLD_DIR: worldDir,
        NCCOE_BRIDGE: bridgeName(runId, worldId),
        NCCOE_DOCKER_IMAGE: WORLD_IMAGE,
      })
      .withProfiles(...(attack ? ["attack"] : []))
      .withClientOptions(executable ? { executable } : {});
  }

  /** `compose up -d`, then wait until the world is closed: no default routes, no ARP answers from the machine. */
  async up(): Promise<void> {
    dockerEnv();
    this.started = await this.environment().up();
    for (const h of this.hosts) this.containers.set(h, this.started.getContainer(containerName(this.spec.runId, h)));
    const docker = (await dockerClient()).container.dockerode;
    await Promise.all(
      this.hosts.map(async (h) => {
        const name = `${containerName(this.spec.runId, h)}-unroute`;
        const { StatusCode } = (await docker.getContainer(name).wait()) as { StatusCode: number };
        if (StatusCode !== 0) throw new Error(`${name} exited ${StatusCode}: the default route is still there`);
      }),
    );
    // The machine may own an address of the world's subnet on another interface (this one owns
    // 192.0.2.2); by default Linux would answer ARP for it on the bridge too and take that host's traffic.
    const bridge = bridgeName(this.spec.runId, this.spec.worldId);
    await runOk([
      "sysctl",
      "-q",
      "-w",
      `net.ipv4.conf.${bridge}.arp_ignore=1`,
      `net.ipv4.conf.${bridge}.arp_announce=2`,
    ]);
  }

  /** `compose down`; if up never returned (a signal, a failure), whatever carries the run's and world's labels. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    if (this.started) await this.started.down().catch(() => undefined);
    await removeDockerRuns((id) => id === this.spec.runId, this.spec.worldId);
  }
}
