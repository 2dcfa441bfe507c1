// The world's hosts as containers see them: addresses, on-link routes, resolv.conf and hosts.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { WorldPlan } from "../../plan/plan.ts";
import type { HostName } from "../../world/instances.ts";
import { addr, ENDPOINT_SUBNETS, HOST_NUMBERS, WORLD_PREFIX_LEN } from "../../plan/addressing.ts";
import { runOk } from "../../os/exec.ts";
import { dockerClient } from "./engine.ts";

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
      addresses: [plan.lab.resolverIp, plan.lab.authorityIp, ...plan.senders.map((s) => s.ip)],
      routes: ENDPOINT_SUBNETS,
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
      resolver: plan.remote.resolverIp,
    },
    { host: "mua", addresses: [plan.muaIp], routes: ENDPOINT_SUBNETS, resolver: plan.lab.resolverIp },
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

/** The host's /etc/resolv.conf (its site's resolver) and /etc/hosts, written into the world folder. */
export function writeHostEtc(dockerDir: string, h: HostSpec): Record<string, string> {
  const resolv = join(dockerDir, `${h.host}.resolv.conf`);
  const hostsFile = join(dockerDir, `${h.host}.hosts`);
  // glibc strips the AD bit unless trust-ad is set, and then no MTA ever does DANE.
  const lines = h.resolver ? [`nameserver ${h.resolver}`, "options trust-ad edns0 timeout:2 attempts:2"] : [];
  writeFileSync(resolv, lines.join("\n") + "\n");
  writeFileSync(hostsFile, `127.0.0.1 localhost\n${h.addresses[0]} ${h.host}\n`);
  return { [resolv]: "/etc/resolv.conf", [hostsFile]: "/etc/hosts" };
}

/** Extra addresses and on-link routes, from the machine into the container's network namespace
 *  (no NET_ADMIN inside). Returns the container's PID 1 as the machine sees it. */
export async function addAddresses(containerId: string, h: HostSpec): Promise<number> {
  const docker = (await dockerClient()).container.dockerode;
  const pid = (await docker.getContainer(containerId).inspect()).State.Pid;
  const nsenter = ["nsenter", "-t", String(pid), "-n"];
  await runOk([...nsenter, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"]);
  const batch = [
    "route del default", // docker adds one even on an internal network; nothing is routed anywhere
    ...h.addresses.slice(1).map((a) => `addr add ${a}/${WORLD_PREFIX_LEN} dev eth0`),
    ...(h.routes ?? []).map((r) => `route replace ${r} dev eth0 scope link`),
  ];
  if (batch.length) await runOk([...nsenter, "ip", "-batch", "-"], { input: batch.join("\n") + "\n" });
  return pid;
}
