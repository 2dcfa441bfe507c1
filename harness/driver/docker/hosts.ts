// The world's hosts as containers see them: addresses, on-link routes and resolver. The first
// address and the resolver are docker-compose.yml's and etc/'s (compose.test.ts checks that they
// agree); the others are added here, per plan.
import type { WorldPlan } from "../../plan/plan.ts";
import type { HostName } from "../../world/instances.ts";
import {
  addr,
  ALL_ENDPOINT_SUBNETS,
  ENDPOINT_SUBNETS,
  HOST_NUMBERS,
  isIpv6,
  onLink,
  WORLD_SUBNET6,
} from "../../plan/addressing.ts";
import { runOk } from "../../os/exec.ts";
import { dockerClient } from "./engine.ts";
import { eth0Addresses, eth0Routes } from "../netns/network.ts";

export interface HostSpec {
  host: HostName;
  addresses: string[]; // the first is the container's docker address
  routes?: string[];
  resolver?: string;
}

export function hostSpecs(plan: WorldPlan): HostSpec[] {
  return [
    { host: "root", addresses: [plan.rootServerIp] },
    {
      host: "lab",
      addresses: [
        plan.lab.resolverIp,
        plan.lab.authorityIp,
        ...plan.senders.map((s) => s.ip),
        ...plan.senders.map((s) => s.ip6),
      ],
      routes: ALL_ENDPOINT_SUBNETS,
      resolver: plan.lab.resolverIp,
    },
    {
      host: "remote",
      addresses: [
        plan.remote.resolverIp,
        plan.remote.authorityIp,
        plan.remote.mtaIp,
        // Behind an attacker, the real receiver listens on the case's shadow address.
        ...plan.cases.map((c) => c.upstreamIp ?? c.endpointIp),
        ...plan.cases.filter((c) => c.backupIp).map((c) => c.backupIp!),
      ],
      routes: [WORLD_SUBNET6],
      resolver: plan.remote.resolverIp,
    },
    {
      host: "mua",
      addresses: [plan.muaIp, plan.muaIp6],
      routes: ALL_ENDPOINT_SUBNETS,
      resolver: plan.lab.resolverIp,
    },
    // The on-path attacker: a docker address of its own, plus the receiver addresses it took over.
    ...(plan.cases.some((c) => c.upstreamIp)
      ? [
          {
            host: "attacker" as const,
            addresses: [
              addr(HOST_NUMBERS.attacker),
              ...plan.cases.filter((c) => c.upstreamIp).map((c) => c.endpointIp),
            ],
            routes: ENDPOINT_SUBNETS,
          },
        ]
      : []),
  ];
}

/** Extra addresses and on-link routes, from the machine into the container's network namespace
 *  (no NET_ADMIN inside). Returns the container's PID 1 as the machine sees it. */
export async function addAddresses(containerId: string, h: HostSpec): Promise<number> {
  const docker = (await dockerClient()).container.dockerode;
  const pid = (await docker.getContainer(containerId).inspect()).State.Pid;
  const batch = [...eth0Addresses(h.addresses.slice(1).map(onLink)), ...eth0Routes(h.routes ?? [])];
  // Docker turns IPv6 off in a container on a network without it; the world's own fd00::
  // addresses and routes need it on.
  if ([...h.addresses, ...(h.routes ?? [])].some(isIpv6))
    await runOk(["nsenter", "-t", String(pid), "-n", "sysctl", "-q", "-w", "net.ipv6.conf.eth0.disable_ipv6=0"]);
  if (batch.length)
    await runOk(["nsenter", "-t", String(pid), "-n", "ip", "-batch", "-"], { input: batch.join("\n") + "\n" });
  return pid;
}
