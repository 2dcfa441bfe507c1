// The docker engine as the docker driver uses it, through testcontainers: the private dockerd that
// harness/driver/docker/setup.sh starts. Each world's network and containers come from
// docker-compose.yml (compose.ts); everything carries the labels nccoe.run=<run id> and
// nccoe.world=<world id>, and containers the name prefix nc-<run id>-, so a later run finds what a
// killed one left.
import { existsSync } from "node:fs";
import { getContainerRuntimeClient } from "testcontainers";
import type { ContainerRuntimeClient } from "testcontainers";

export const DOCKER_SOCK = "/run/nccoe-docker.sock";
export const WORLD_IMAGE = process.env.NCCOE_DOCKER_IMAGE ?? "nccoe/world:latest";
export const RUN_LABEL = "nccoe.run";
export const WORLD_LABEL = "nccoe.world";

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
