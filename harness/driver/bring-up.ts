// The half of a world's bring-up that both drivers share: once the hosts exist, sign the DNS
// tree, write the trust anchor and root hints, render every instance, and start the daemons
// (each one's readiness awaited), recording when each milestone was reached.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { WorldPlan } from "../plan/plan.ts";
import type { Implementation } from "../load/environments.ts";
import { checkNotStopping } from "../os/teardown.ts";
import { ensureBundles } from "../os/bundle.ts";
import { makeWorldPki, pkiPaths, type WorldPki } from "../world/receiver-certs.ts";
import type { Instance, WorldPaths } from "../world/instances.ts";
import type { Role } from "../schema/scenario.ts";
import { unsignedSiteZones } from "../world/world-files.ts";
import type { Daemon } from "./daemon.ts";
import { waitFor, type DnsAnswer } from "./probes.ts";
import { signTree, type SignedTree } from "./netns/sign-tree.ts";
import { writeInstance } from "./netns/start-instance.ts";
import type { StartedWorld, UpOptions } from "./netns/world.ts";
import { REGISTRY_DIR } from "./netns/registry.ts";

export function implOf(envs: Map<string, Implementation>, inst: Instance): Implementation {
  const impl = envs.get(inst.impl);
  if (!impl) throw new Error(`no environments/${inst.impl}/manifest.yaml for ${inst.key}`);
  return impl;
}

/** Where a world's files go, its PKI and its signed DNS tree, started at once: keys are made on
 *  the thread pool, and the site signers start their daemons (in namespaces of their own), while
 *  the driver creates its hosts; the zones are signed once the PKI gives their TLSA and SMIMEA
 *  records. Both drivers begin here. */
export function prepareWorldFiles(
  plan: WorldPlan,
  envs: Map<string, Implementation>,
  opts: Pick<UpOptions, "worldDir" | "runId" | "repoRoot" | "imapPassword" | "smtpTlsSecurityLevel">,
): { paths: WorldPaths; pki: Promise<WorldPki>; tree: Promise<SignedTree> } {
  const dir = opts.worldDir;
  const zonesDir = join(dir, "zones");
  mkdirSync(zonesDir, { recursive: true });
  const pkiDir = join(dir, "pki");
  const pki = makeWorldPki(plan, pkiDir);
  pki.catch(() => undefined); // awaited later; a failure surfaces there
  const pp = pkiPaths(plan, pkiDir);
  const paths: WorldPaths = {
    repoRoot: opts.repoRoot,
    worldDir: dir,
    socketsDir: join(REGISTRY_DIR, opts.runId, plan.id),
    zonesDir,
    trustAnchorFile: join(dir, "trust-anchor.ds"),
    rootHintsFile: join(dir, "root.hints"),
    caFile: pp.caFile,
    submissionPemFile: pp.submissionPemFile,
    receiverPemFile: pp.defaultPemFile,
    endpoints: pp.endpoints,
    imapPassword: opts.imapPassword,
    smtpTlsSecurityLevel: opts.smtpTlsSecurityLevel,
  };
  const serial = Math.floor(Date.now() / 1000);
  const unsigned = pki.then((p) => unsignedSiteZones(plan, p.tlsa, serial, p.smime));
  const tree = signTree(plan, envs, unsigned, zonesDir, serial, paths.socketsDir);
  tree.catch(() => undefined); // awaited later; a failure surfaces there
  return { paths, pki, tree };
}

export interface DaemonSteps {
  envs: Map<string, Implementation>;
  paths: WorldPaths;
  t0: number;
  say: (line: string) => void;
  /** How this driver starts one instance and waits for it. */
  startOne: (impl: Implementation, inst: Instance) => Promise<Daemon | undefined>;
  /** How this driver asks the lab resolver for a validated TLSA (AD=1). */
  validatedTlsa: () => Promise<void>;
  /** The test instruments this driver starts beside the daemons (the on-path attacker). */
  instruments?: () => Promise<void>;
}

/** Once the PKI exists, everything is rendered and three chains start at once: the DNS (the signed
 *  tree, then the authorities, then the resolvers, until the lab resolver validates a TLSA), the
 *  mail daemons (delivery, then the MTAs: their host names are configured, so none looks anything
 *  up before mail is sent), and the mail client and the driver's instruments, which need nothing. */
export async function signAndStartDaemons(
  world: StartedWorld,
  pki: Promise<WorldPki>,
  tree: Promise<SignedTree>,
  s: DaemonSteps,
): Promise<void> {
  const since = () => (performance.now() - s.t0) / 1000;
  const plan = world.plan;
  world.pki = await pki;
  world.tlsa = world.pki.tlsa;
  for (const inst of world.instances) writeInstance(implOf(s.envs, inst), inst);
  const start = async (roles: Role[]) => {
    checkNotStopping();
    const batch = world.instances.filter((i) => roles.includes(i.role));
    if (batch.length === 0) return;
    s.say(`${plan.id}: starting ${batch.map((i) => i.key).join(", ")}`);
    const started = await Promise.allSettled(batch.map((i) => s.startOne(implOf(s.envs, i), i)));
    for (const r of started) if (r.status === "fulfilled" && r.value) world.daemons.push(r.value);
    const failed = started.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  };
  const dns = async () => {
    s.say(`${plan.id}: signing zones`);
    world.tree = await tree;
    writeFileSync(s.paths.trustAnchorFile, world.tree.trustAnchor.join("\n") + "\n");
    writeFileSync(
      s.paths.rootHintsFile,
      `. 3600000 NS ${plan.rootServerHost}.\n${plan.rootServerHost}. 3600000 A ${plan.rootServerIp}\n`,
    );
    world.timings.signed = since();
    await start(["authority"]);
    world.timings.dnsAnswering = since();
    await start(["resolver"]);
    await s.validatedTlsa();
    world.timings.validatedTlsa = since();
  };
  const mail = async () => {
    await start(["mda"]);
    await start(["mta-receiver", "mta-sender"]);
    world.timings.mtasReady = since();
  };
  // Every chain runs to its end (or its failure) before a failure is thrown: the teardown that
  // follows then finds every daemon that was started.
  const mua = async () => {
    await ensureBundles(s.paths.repoRoot); // the mail client's agent runs bundled
    await start(["mua"]);
  };
  const chains = await Promise.allSettled([dns(), mail(), mua(), s.instruments?.()]);
  const failed = chains.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** The lab resolver must validate a TLSA of the world (AD=1) before any mail is sent. `ask`
 *  queries from the lab host, the way the driver reaches it. On time-out, say what the resolver
 *  last answered and what the authority serves, so the cause shows. */
export async function waitValidatedTlsa(
  plan: WorldPlan,
  ask: (server: string, name: string, type: string) => Promise<DnsAnswer>,
): Promise<void> {
  const cp = plan.cases.find((c) => !c.case.tlsa.some((t) => t.fault) && !c.case.dnsFault && !c.upstreamIp);
  if (!cp) return;
  const name = `_25._tcp.${cp.mxHost}`;
  let last = "no answer yet";
  try {
    await waitFor(
      `lab resolver validating ${name} TLSA (AD=1)`,
      async () => {
        const a = await ask(plan.lab.resolverIp, name, "TLSA");
        last = `${a.rcode}, flags ${a.flags.join(" ") || "-"}, ${a.answer.length} answer records`;
        return a.rcode === "NOERROR" && a.flags.includes("ad") && a.answer.some((l) => /\sTLSA\s/.test(l));
      },
      { timeoutMs: 30_000 },
    );
  } catch (e) {
    const auth = await ask(plan.remote.authorityIp, name, "TLSA").catch(() => undefined);
    throw new Error(
      `${(e as Error).message}; the resolver last answered ${last}; the remote authority answers ${auth ? `${auth.rcode}, ${auth.answer.length} records` : "nothing"}`,
    );
  }
}
