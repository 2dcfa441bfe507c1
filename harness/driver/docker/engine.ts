// The docker engine as the docker driver uses it, through testcontainers: the private dockerd that
// harness/driver/docker/setup.sh starts, one user-defined network per world with the plan's
// subnets, and one container per world host at fixed addresses. Everything carries the label
// nccoe.run=<run id> and the name prefix nc-<run id>-, so a later run finds what a killed one left.
import { existsSync } from "node:fs";
import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer } from "testcontainers";
import type { ContainerRuntimeClient } from "testcontainers";
import { WORLD_SUBNET } from "../../plan/addressing.ts";
import { runOk } from "../../os/exec.ts";

export const DOCKER_SOCK = "/run/nccoe-docker.sock";
export const WORLD_IMAGE = process.env.NCCOE_DOCKER_IMAGE ?? "nccoe/world:latest";
export const RUN_LABEL = "nccoe.run";
export const HOST_LABEL = "nccoe.host";
export const WORLD_LABEL = "nccoe.world";
/** Not on any plan address: the bridge gets no address at all (inhibit_ipv4), so the host is not on the world's network. */
const GATEWAY = "192.0.2.254";

/** testcontainers reads these when it first connects. No Ryuk: the harness removes what it made. */
export function dockerEnv(): void {
  if (!process.env.DOCKER_HOST && existsSync(DOCKER_SOCK)) process.env.DOCKER_HOST = `unix://${DOCKER_SOCK}`;
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "127.0.0.1";
}

export async function dockerClient(): Promise<ContainerRuntimeClient> {
  dockerEnv();
  return getContainerRuntimeClient();
}

/** True when a docker engine answers and the world image exists (the scenario test skips otherwise). */
export async function dockerUsable(): Promise<boolean> {
  dockerEnv();
  if (!process.env.DOCKER_HOST && !existsSync("/var/run/docker.sock")) return false;
  try {
    const c = await dockerClient();
    await c.container.dockerode.getImage(WORLD_IMAGE).inspect();
    return true;
  } catch {
    return false;
  }
}

export function containerName(runId: string, host: string): string {
  return `nc-${runId}-${host}`;
}

/** An internal bridge network (no default route in the containers, no NAT since dockerd runs without iptables). */
export async function createWorldNetwork(runId: string, worldId: string): Promise<string> {
  const client = await dockerClient();
  const name = `nc-${runId}-${worldId}`;
  const bridge = `nc${runId}b${/^w(\d+)/.exec(worldId)?.[1] ?? "0"}`.slice(0, 15);
  await client.container.dockerode.createNetwork({
    Name: name,
    Driver: "bridge",
    Internal: true,
    CheckDuplicate: true,
    IPAM: { Driver: "default", Config: [{ Subnet: WORLD_SUBNET, Gateway: GATEWAY }] },
    Options: {
      "com.docker.network.bridge.inhibit_ipv4": "true",
      "com.docker.network.bridge.enable_icc": "true",
      "com.docker.network.bridge.name": bridge,
    },
    Labels: { [RUN_LABEL]: runId, "nccoe.world": worldId },
  });
  // The machine itself may own an address of the world's subnet on another interface; by default
  // Linux would answer ARP for it on the bridge too and swallow that host's traffic. Not here.
  await runOk(["sysctl", "-q", "-w", `net.ipv4.conf.${bridge}.arp_ignore=1`, `net.ipv4.conf.${bridge}.arp_announce=2`]);
  return name;
}

/** GenericContainer with a fixed address on a user-defined network (docker run --ip). */
class WorldHostContainer extends GenericContainer {
  withFixedAddress(network: string, ip: string): this {
    this.withNetworkMode(network);
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: ip } } } };
    return this;
  }
}

export interface HostContainerSpec {
  runId: string;
  host: string;
  network: string;
  ip: string;
  /** Absolute host paths, mounted at the same paths (read-write unless listed in readOnly). */
  mounts: string[];
  readOnly: string[];
  /** host file -> container path, e.g. the site's resolv.conf over /etc/resolv.conf. */
  files: Record<string, string>;
}

export async function startHostContainer(s: HostContainerSpec): Promise<StartedTestContainer> {
  dockerEnv();
  return new WorldHostContainer(WORLD_IMAGE)
    .withName(containerName(s.runId, s.host))
    .withHostname(s.host)
    .withLabels({ [RUN_LABEL]: s.runId, [HOST_LABEL]: s.host })
    .withFixedAddress(s.network, s.ip)
    .withCommand(["sleep", "infinity"])
    .withBindMounts([
      ...s.mounts.map((p) => ({ source: p, target: p, mode: "rw" as const })),
      ...s.readOnly.map((p) => ({ source: p, target: p, mode: "ro" as const })),
      ...Object.entries(s.files).map(([source, target]) => ({ source, target, mode: "ro" as const })),
    ])
    .withStartupTimeout(30_000)
    .start();
}

/** Remove containers and networks whose run id `which` accepts (and, with worldId, of that world only). */
export async function removeDockerRuns(which: (runId: string) => boolean, worldId?: string): Promise<string[]> {
  const docker = (await dockerClient()).container.dockerode;
  const removed = new Set<string>();
  const label = [RUN_LABEL, ...(worldId ? [`${WORLD_LABEL}=${worldId}`] : [])];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  await Promise.all(
    containers
      .filter((c) => which(c.Labels[RUN_LABEL] ?? ""))
      .map(async (c) => {
        removed.add(c.Labels[RUN_LABEL]!);
        await docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined);
      }),
  );
  for (const n of await docker.listNetworks({ filters: { label } })) {
    const runId = n.Labels?.[RUN_LABEL] ?? "";
    if (!which(runId)) continue;
    removed.add(runId);
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined);
  }
  return [...removed];
}
