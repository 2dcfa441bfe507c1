// Start the on-path attacker: the SMTP proxy (harness/attacker/smtp-proxy.ts) in its own
// namespace, listening on the receiver addresses it took over, relaying to the real receiver.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProxyListener, ProxyMode } from "../../attacker/smtp-proxy.ts";
import { selfSignedCertificate } from "../../world/pki.ts";
import { Daemon } from "../daemon.ts";
import { tcpListening, waitFor } from "../probes.ts";
import type { StartedWorld } from "./world.ts";

const MODE: Record<string, ProxyMode> = {
  "strip-tls": "strip-tls",
  "starttls-454": "starttls-454",
  "mitm-self-signed": "mitm",
};

export async function startAttacker(world: StartedWorld): Promise<{ daemon: Daemon; log: string }> {
  const dir = join(world.opts.worldDir, "hosts", "attacker");
  const attacked = world.plan.cases.filter((c) => c.upstreamIp && c.case.attack);
  // One self-signed certificate for every MITM: it names the MX host, but no TLSA binds it.
  const mitm = attacked.some((c) => c.case.attack!.kind === "mitm-self-signed")
    ? selfSignedCertificate({ commonName: "attacker", dnsNames: attacked.map((c) => c.mxHost) })
    : undefined;
  const listeners: ProxyListener[] = attacked.map((c) => ({
    listen: c.endpointIp,
    upstream: c.upstreamIp!,
    mode: MODE[c.case.attack!.kind]!,
    ...(mitm ? { keyPem: mitm.keyPem, certPem: mitm.certPem } : {}),
  }));
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "proxy.json");
  writeFileSync(config, JSON.stringify(listeners, null, 2), { mode: 0o600 });
  const log = join(dir, "attacker.log");
  const daemon = Daemon.start({
    name: "attacker/smtp-proxy",
    ns: world.nsOf("attacker"),
    argv: ["node", "--import", "tsx", join(world.opts.repoRoot, "harness", "attacker", "smtp-proxy.ts"), config],
    cwd: world.opts.repoRoot,
    outputFile: log,
  });
  world.daemons.push(daemon);
  for (const l of listeners)
    await waitFor(`attacker listening on ${l.listen}:25`, () => tcpListening(world.nsOf("attacker"), l.listen, 25), {
      alive: () => (daemon.running ? undefined : `the attacker's proxy exited: ${daemon.outputTail()}`),
    });
  return { daemon, log };
}
