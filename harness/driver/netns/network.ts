// The world's network: one namespace per host, each joined by a veth pair to a bridge that lives
// in its own hub namespace. Nothing is added to the machine's own network namespace.
import { mkdirSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { runOk, run } from "../../os/exec.ts";
import { waitGone } from "../daemon.ts";
import { checkNotStopping } from "../../os/teardown.ts";
import { hubVethName, nsName } from "./names.ts";
import { isIpv6 } from "../../plan/addressing.ts";

export interface HostNet {
  host: string; // short name, e.g. "lab"
  addresses: string[]; // CIDR, e.g. "192.0.2.10/24" or "fd00:0:0:2::12/64"
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

/** `tag` tells apart the worlds of one run, which may be up at the same time (e.g. "1" for w1). */
export function newNetwork(runId: string, tag: string, hosts: HostNet[]): Network {
  return { runId, tag, hubNs: nsName(runId, `${tag}hub`), nsOf: new Map(), hosts };
}

/** Fills `net` first, so a teardown that starts half-way knows every namespace it may have made.
 *  Three `ip -batch` calls, two of them at once, where one command per step (and a `sysctl` per
 *  namespace through `ip netns exec`) took 1.7-2.8 s a world: all namespaces, the bridge and the
 *  veth pairs from the machine's side; then each host's addresses and routes, and the hub's ports.
 *  No interface gets an IPv6 link-local address (addrgenmode none): IPv6 would add
 *  router-solicitation noise to the bridge. Neighbour discovery works from the fd00:: addresses. */
export async function createNetwork(net: Network): Promise<Network> {
  const { runId, tag, hubNs, hosts } = net;
  checkNotStopping();
  for (const h of hosts) net.nsOf.set(h.host, nsName(runId, `${tag}${h.host}`));
  const veth = (i: number) => hubVethName(`${runId}${tag}`, i);
  const nsOf = (h: HostNet) => net.nsOf.get(h.host)!;
  const machine = [
    `netns add ${hubNs}`,
    ...hosts.map((h) => `netns add ${nsOf(h)}`),
    `link add br0 netns ${hubNs} type bridge mcast_snooping 0`,
    ...hosts.map((h, i) => `link add ${veth(i)} netns ${hubNs} type veth peer name eth0 netns ${nsOf(h)}`),
  ];
  await runOk(["ip", "-batch", "-"], { input: machine.join("\n") + "\n" });
  checkNotStopping();
  // One batch per host for all its addresses and routes: a receiver carries hundreds of case
  // addresses. The hub's side at the same time: the bridge up, and every host's veth on it.
  const hostBatch = (h: HostNet) => [
    "link set lo up",
    "link set eth0 addrgenmode none",
    ...eth0Addresses(h.addresses),
    "link set eth0 up",
    ...eth0Routes(h.routes ?? []),
  ];
  const hub = [
    "link set br0 addrgenmode none",
    ...hosts.map((_, i) => `link set ${veth(i)} addrgenmode none`),
    "link set br0 up",
    "link set lo up",
    ...hosts.map((_, i) => `link set ${veth(i)} master br0 up`),
  ];
  await Promise.all([
    ...hosts.map(async (h) => {
      await runOk(["ip", "-n", nsOf(h), "-batch", "-"], { input: hostBatch(h).join("\n") + "\n" });
      writeNetnsEtc(nsOf(h), h.resolver);
    }),
    runOk(["ip", "-n", hubNs, "-batch", "-"], { input: hub.join("\n") + "\n" }),
  ]);
  return net;
}

/** `ip -batch` lines that put these addresses (CIDR) on eth0. IPv6 ones without duplicate address
 *  detection: the address is usable at once. */
export const eth0Addresses = (cidrs: string[]): string[] =>
  cidrs.map((a) => `addr add ${a} dev eth0${isIpv6(a) ? " nodad" : ""}`);

/** `ip -batch` lines that make these prefixes on-link over eth0 (reached across the bridge). */
export const eth0Routes = (prefixes: string[]): string[] =>
  prefixes.map((r) => `route replace ${r} dev eth0 scope link`);

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

/** The processes in each namespace, from one pass over /proc in this process: `ip netns pids`
 *  does the same scan, but as a command it took 3 s while another world kept the machine busy,
 *  and a pass per namespace read every process's link a dozen times a teardown. */
export function pidsInEach(namespaces: string[]): Map<string, number[]> {
  const out = new Map<string, number[]>(namespaces.map((ns) => [ns, []]));
  const byLink = new Map<string, number[]>();
  for (const ns of namespaces) {
    try {
      byLink.set(`net:[${statSync(`/run/netns/${ns}`).ino}]`, out.get(ns)!);
    } catch {
      /* no such namespace: no processes */
    }
  }
  if (byLink.size === 0) return out;
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      byLink.get(readlinkSync(`/proc/${e}/ns/net`))?.push(Number(e));
    } catch {
      /* gone, or a kernel thread */
    }
  }
  return out;
}

export const pidsIn = (ns: string): number[] => pidsInEach([ns]).get(ns)!;

const signalAll = (pids: number[], sig: NodeJS.Signals) => {
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch {
      /* gone */
    }
  }
};

/** SIGTERM every process in these namespaces and wait up to `graceMs` for them to go. */
export async function terminateNamespaces(namespaces: string[], graceMs: number): Promise<void> {
  const pids = [...pidsInEach(namespaces).values()].flat();
  signalAll(pids, "SIGTERM");
  await waitGone(pids, graceMs);
}

/** Kill every process left in these namespaces, then delete them and their /etc/netns folders. */
export async function removeNamespaces(namespaces: string[]): Promise<void> {
  const pids = [...pidsInEach(namespaces).values()].flat();
  signalAll(pids, "SIGKILL");
  await waitGone(pids, 3000);
  await Promise.all(
    namespaces.map(async (ns) => {
      await run(["ip", "netns", "delete", ns]);
      rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    }),
  );
}

/** Kill every process left in a namespace, then delete it and its /etc/netns folder. */
export const removeNamespace = (ns: string): Promise<void> => removeNamespaces([ns]);
