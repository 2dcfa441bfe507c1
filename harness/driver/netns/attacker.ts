// Start the on-path attacker: the SMTP proxy (harness/attacker/smtp-proxy.ts, run bundled from
// proxy-main.ts) in its own namespace, listening on the receiver addresses it took over, relaying
// to the real receiver.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProxyListener } from "../../attacker/smtp-proxy.ts";
import { bundlePath, ensureBundles } from "../../os/bundle.ts";
import { issueLeaf, selfSignedCertificate } from "../../world/pki.ts";
import { Daemon } from "../daemon.ts";
import { tcpListening, waitFor } from "../probes.ts";
import type { StartedWorld } from "./world.ts";

/** `ns`: the network namespace to run in (the docker driver passes a name attached to its container). */
export async function startAttacker(
  world: StartedWorld,
  ns = world.nsOf("attacker"),
): Promise<{ daemon: Daemon; log: string }> {
  const dir = join(world.opts.worldDir, "hosts", "attacker");
  const attacked = world.plan.cases.filter((c) => c.upstreamIp && c.case.attack);
  const pki = world.pki;
  if (!pki) throw new Error("the attacker needs the world's PKI");
  const key = await pki.attackerKey;
  // The attacker's certificate for a MITM or an impostor: self-signed, or issued by the remote
  // site's own local CA (which the lab trusts), or by an unrelated CA.
  const certFor = (c: (typeof attacked)[number]) => {
    const a = c.case.attack!;
    const names = [a.name === "mismatch" ? `not-${c.mxHost}` : c.mxHost];
    const opts = { commonName: names[0]!, dnsNames: names };
    const it =
      a.certificate === "self-signed"
        ? selfSignedCertificate(opts, key)
        : issueLeaf(a.certificate === "local-ca" ? pki.localCa : pki.otherCa, opts, key);
    return { keyPem: it.keyPem, certPem: [it.certPem, ...it.chainPems].join("") };
  };
  const listeners: ProxyListener[] = attacked.map((c) => ({
    listen: c.endpointIp,
    upstream: c.upstreamIp!,
    mode: c.case.attack!.kind,
    ...(c.case.attack!.kind === "mitm" ? certFor(c) : {}),
  }));
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "proxy.json");
  writeFileSync(config, JSON.stringify(listeners, null, 2), { mode: 0o600 });
  const log = join(dir, "attacker.log");
  await ensureBundles(world.opts.repoRoot);
  const daemon = await Daemon.start({
    name: "attacker/smtp-proxy",
    ns,
    argv: ["node", bundlePath(world.opts.repoRoot, "attacker"), config],
    cwd: world.opts.repoRoot,
    outputFile: log,
  });
  world.daemons.push(daemon);
  for (const l of listeners)
    await waitFor(`attacker listening on ${l.listen}:25`, () => tcpListening(ns, l.listen, 25, daemon.pid), {
      alive: () => (daemon.running ? undefined : `the attacker's proxy exited: ${daemon.outputTail()}`),
    });
  return { daemon, log };
}
