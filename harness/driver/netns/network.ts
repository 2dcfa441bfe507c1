// The world's network: one namespace per host, each joined by a veth pair to a bridge that lives
// in its own hub namespace. Nothing is added to the machine's own network namespace.
import { mkdirSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { runOk, run } from "../../os/exec.ts";
import { waitGone } from "../daemon.ts";
import { checkNotStopping } from "../../os/teardown.ts";
import { hubVethName, nsName } from "./names.ts";

export interface HostNet {
  host: string; // short name, e.g. "lab"
  addresses: string[]; // CIDR, e.g. "192.0.2.10/24"
  routes?: string[]; // extra on-link prefixes reached over the bridge, e.g. "198.51.100.0/24"
  resolver?: string; // written to /etc/netns/<ns>/resolv.conf with "options trust-ad"
}

export interface Network {
  runId: string;
  tag: string;
  hubNs: string;
  nsOf: Map<string, string>;
  hosts: HostNet[];
}

const ip = (...args: string[]) => runOk(["ip", ...args]);

/** `tag` tells apart the worlds of one run, which may be up at the same time (e.g. "1" for w1). */
export function newNetwork(runId: string, tag: string, hosts: HostNet[]): Network {
  return { runId, tag, hubNs: nsName(runId, `${tag}hub`), nsOf: new Map(), hosts };
}

/** Fills `net` as it goes, so a teardown that starts half-way knows every namespace made so far. */
export async function createNetwork(net: Network): Promise<Network> {
  const { runId, tag, hubNs, hosts } = net;
  checkNotStopping();
  await ip("netns", "add", hubNs);
  await ip("-n", hubNs, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
  // The bridge carries IPv4 only; IPv6 would add router-solicitation noise to captures.
  await runOk(["ip", "netns", "exec", hubNs, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"]);
  await Promise.all(
    hosts.map(async (h, i) => {
      const ns = nsName(runId, `${tag}${h.host}`);
      checkNotStopping();
      net.nsOf.set(h.host, ns);
      await ip("netns", "add", ns);
      await runOk(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"]);
      const veth = ["type", "veth", "peer", "name", "eth0", "netns", ns];
      await ip("link", "add", hubVethName(`${runId}${tag}`, i), "netns", hubNs, ...veth);
      // One `ip -batch` for all addresses and routes: a receiver may carry hundreds of case addresses.
      const batch = [
        "link set lo up",
        ...h.addresses.map((a) => `addr add ${a} dev eth0`),
        "link set eth0 up",
        ...(h.routes ?? []).map((r) => `route replace ${r} dev eth0 scope link`),
      ];
      await runOk(["ip", "-n", ns, "-batch", "-"], { input: batch.join("\n") + "\n" });
      writeNetnsEtc(ns, h.resolver);
    }),
  );
  // The hub's side: the bridge up, and every host's veth on it, in one batch.
  const hub = [
    "link set br0 up",
    "link set lo up",
    ...hosts.map((_, i) => `link set ${hubVethName(`${runId}${tag}`, i)} master br0 up`),
  ];
  await runOk(["ip", "-n", hubNs, "-batch", "-"], { input: hub.join("\n") + "\n" });
  return net;
}

/** `ip netns exec` bind-mounts /etc/netns/<ns>/* over /etc: each host resolves through its own resolver. */
function writeNetnsEtc(ns: string, resolver?: string): void {
  const dir = `/etc/netns/${ns}`;
  mkdirSync(dir, { recursive: true });
  // glibc strips the AD bit unless trust-ad is set, and then no MTA ever does DANE.
  const lines = resolver ? [`nameserver ${resolver}`, "options trust-ad edns0 timeout:2 attempts:2"] : [];
  writeFileSync(`${dir}/resolv.conf`, lines.join("\n") + "\n");
  writeFileSync(`${dir}/hosts`, "127.0.0.1 localhost\n");
}

export async function listNamespaces(): Promise<string[]> {
  const r = await run(["ip", "netns", "list"]);
  return r.stdout
    .split("\n")
    .map((l) => l.split(" ")[0]!)
    .filter(Boolean);
}

/** SIGTERM every process in a namespace and wait up to `graceMs` for them to go. */
/** The processes in a namespace, read from /proc in this process: `ip netns pids` does the same
 *  scan, but as a command it took 3 s while another world kept the machine busy. */
export function pidsIn(ns: string): number[] {
  let want: string;
  try {
    want = `net:[${statSync(`/run/netns/${ns}`).ino}]`;
  } catch {
    return []; // no such namespace
  }
  const pids: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readlinkSync(`/proc/${e}/ns/net`) === want) pids.push(Number(e));
    } catch {
      /* gone, or a kernel thread */
    }
  }
  return pids;
}

export async function terminateNamespace(ns: string, graceMs: number): Promise<void> {
  const pids = pidsIn(ns);
  for (const p of pids) {
    try {
      process.kill(p, "SIGTERM");
    } catch {
      /* gone */
    }
  }
  await waitGone(pids, graceMs);
}

/** Kill every process left in a namespace, then delete it and its /etc/netns folder. */
export async function removeNamespace(ns: string): Promise<void> {
  const pids = pidsIn(ns);
  for (const p of pids) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  await waitGone(pids, 3000);
  await run(["ip", "netns", "delete", ns]);
  rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
}
