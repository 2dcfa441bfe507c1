// The netns driver: up(plan) -> StartedWorld. Real daemons, one network namespace per host.
// Bring-up failure, success and Ctrl-C all end in the same teardown.
import { rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Implementation } from "../../load/environments.ts";
import type { WorldPlan } from "../../plan/plan.ts";
import { run, type ExecResult } from "../../os/exec.ts";
import { worldInstances, type HostName, type Instance } from "../../world/instances.ts";
import type { WorldPki } from "../../world/receiver-certs.ts";
import type { TlsaRdata } from "../../world/tlsa.ts";
import { MuaClient } from "../../mua/client.ts";
import { Daemon } from "../daemon.ts";
import { own, release } from "../../os/teardown.ts";
import { dig } from "../probes.ts";
import {
  ALL_ENDPOINT_SUBNETS,
  ENDPOINT_SUBNETS,
  onLink,
  WORLD_PREFIX_LEN,
  WORLD_SUBNET,
  WORLD_SUBNET6,
} from "../../plan/addressing.ts";
import { startAttacker } from "./attacker.ts";
import { startSmtpCapture } from "../smtp-capture.ts";
import { LogWatch } from "../../observe/log-watch.ts";
import {
  createNetwork,
  newNetwork,
  removeNamespace,
  removeNamespaces,
  terminateNamespaces,
  type Network,
} from "./network.ts";
import { REGISTRY_DIR } from "./registry.ts";
import { type SignedTree } from "./sign-tree.ts";
import { startInstance } from "./start-instance.ts";
import { prepareWorldFiles, signAndStartDaemons, waitValidatedTlsa } from "../bring-up.ts";

export interface UpOptions {
  runId: string;
  worldDir: string;
  repoRoot: string;
  smtpTlsSecurityLevel: string;
  imapPassword: string;
  progress?: (line: string) => void;
  /** The deliberately weakened receiving mail client (S/MIME): no SMIMEA binding, no check. */
  weakenMua?: boolean;
}

export interface Timings {
  namespaces: number;
  signed: number;
  dnsAnswering: number;
  validatedTlsa: number;
  mtasReady: number;
  total: number;
}

export class StartedWorld implements AsyncDisposable {
  readonly daemons: Daemon[] = [];
  mua?: MuaClient;
  network?: Network;
  tree?: SignedTree;
  pki?: WorldPki;
  tlsa = new Map<string, TlsaRdata[]>();
  capture?: { daemon: Daemon; file: string };
  attacker?: { daemon: Daemon; log: string };
  readonly logs = new LogWatch();
  timings: Partial<Timings> = {};
  /** Seconds since teardown began, after each step (cumulative). */
  teardownTimings: Record<string, number> = {};
  private disposed = false;

  constructor(
    readonly plan: WorldPlan,
    readonly instances: Instance[],
    readonly opts: UpOptions,
  ) {}

  nsOf(host: HostName): string {
    const ns = this.network?.nsOf.get(host);
    if (!ns) throw new Error(`no namespace for host '${host}'`);
    return ns;
  }

  exec(host: HostName, argv: string[]): Promise<ExecResult> {
    return run(["ip", "netns", "exec", this.nsOf(host), ...argv]);
  }

  instance(host: HostName, role: Instance["role"]): Instance {
    const i = this.instances.find((x) => x.host === host && x.role === role);
    if (!i) throw new Error(`no ${role} at ${host}`);
    return i;
  }

  daemonOf(inst: Instance): Daemon | undefined {
    return this.daemons.find((d) => d.spec.name === inst.key);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.logs.close();
    await this.mua?.[Symbol.asyncDispose]();
    // Every process of the world gets SIGTERM at once (a daemon's own children too: Postfix's
    // master leaves its starter's process group), then SIGKILL after a short grace; then the
    // namespaces go. Stopping daemons one by one, each with its own deadline, took seconds.
    const t0 = performance.now();
    if (this.network) {
      const all = [...this.network.nsOf.values(), this.network.hubNs];
      await terminateNamespaces(all, 1500);
      this.teardownTimings.terminate = since(t0);
      // All hosts at once, then the hub: one by one, with another world busy, this took 30 s
      // (deleting a namespace waits on the machine's mount namespaces, which that world keeps busy).
      await removeNamespaces([...this.network.nsOf.values()]);
      await removeNamespace(this.network.hubNs);
      this.teardownTimings.namespaces = since(t0);
    }
    for (const d of this.daemons) await d.stop(500); // anything that lived outside the namespaces
    this.teardownTimings.daemons = since(t0);
    rmSync(join(REGISTRY_DIR, this.opts.runId, this.plan.id), { recursive: true, force: true });
    this.teardownTimings.sockets = since(t0);
    try {
      rmdirSync(join(REGISTRY_DIR, this.opts.runId)); // the run's socket folder, once its last world is gone
    } catch {
      /* other worlds of the run still use it */
    }
  }
}

/** "w12-bind" -> "12": short, and unique among the worlds of a run. */
const worldTag = (worldId: string) => /^w(\d+)/.exec(worldId)?.[1] ?? worldId.slice(0, 2);

const since = (t0: number) => (performance.now() - t0) / 1000;

export async function upNetnsWorld(
  plan: WorldPlan,
  envs: Map<string, Implementation>,
  opts: UpOptions,
): Promise<StartedWorld> {
  const t0 = performance.now();
  const say = opts.progress ?? (() => undefined);
  const dir = opts.worldDir;
  const { paths, pki: pkiPromise, tree } = prepareWorldFiles(plan, envs, opts);
  const instances = worldInstances(plan, paths);
  // Owned from the first namespace on, so Ctrl-C during bring-up tears down what exists.
  const world = own(new StartedWorld(plan, instances, opts));
  try {
    say(`${plan.id}: creating namespaces`);
    const cidr = (a: string) => `${a}/${WORLD_PREFIX_LEN}`;
    world.network = newNetwork(opts.runId, worldTag(plan.id), [
      { host: "root", addresses: [cidr(plan.rootServerIp)] },
      {
        host: "lab",
        addresses: [
          ...[plan.lab.resolverIp, plan.lab.authorityIp, ...plan.senders.map((s) => s.ip)].map(cidr),
          ...plan.senders.map((s) => onLink(s.ip6)),
        ],
        routes: ALL_ENDPOINT_SUBNETS,
        resolver: plan.lab.resolverIp,
      },
      {
        host: "remote",
        addresses: [
          ...[plan.remote.resolverIp, plan.remote.authorityIp, plan.remote.mtaIp].map(cidr),
          ...plan.cases.map((c) => onLink(c.upstreamIp ?? c.endpointIp)),
          ...plan.cases.filter((c) => c.backupIp).map((c) => onLink(c.backupIp!)),
        ],
        routes: [WORLD_SUBNET6],
        resolver: plan.remote.resolverIp,
      },
      {
        host: "mua",
        addresses: [cidr(plan.muaIp), onLink(plan.muaIp6)],
        routes: ALL_ENDPOINT_SUBNETS,
        resolver: plan.lab.resolverIp,
      },
      // The on-path attacker has taken over the receiver addresses of the attack cases.
      ...(plan.cases.some((c) => c.upstreamIp)
        ? [
            {
              host: "attacker",
              addresses: plan.cases.filter((c) => c.upstreamIp).map((c) => onLink(c.endpointIp)),
              routes: [WORLD_SUBNET, ...ENDPOINT_SUBNETS],
            },
          ]
        : []),
    ]);
    await createNetwork(world.network);
    world.timings.namespaces = since(t0);
    const capture = await startSmtpCapture(world, {
      name: "hub/tcpdump",
      ns: world.network.hubNs,
      receiverIp: plan.remote.mtaIp,
      dir,
      cwd: opts.repoRoot,
    });
    await signAndStartDaemons(world, pkiPromise, tree, {
      envs,
      paths,
      t0,
      say,
      startOne: (impl, i) => startInstance(impl, i, world.nsOf(i.host), opts.repoRoot),
      validatedTlsa: () => waitValidatedTlsa(plan, (server, name, type) => dig(world.nsOf("lab"), server, name, type)),
      instruments: async () => {
        if (plan.cases.some((c) => c.upstreamIp)) world.attacker = await startAttacker(world);
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
