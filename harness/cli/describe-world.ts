// What `nccoe up` prints: enough to point a real mail client or DNS tool at the world.
import type { StartedWorld } from "../driver/netns/world.ts";

export function describeWorld(world: StartedWorld, imapPassword: string): string {
  const p = world.plan;
  const ns = (h: "root" | "lab" | "remote" | "mua") => world.nsOf(h);
  const docker = "containers" in world; // the docker driver's world: nsOf names containers
  const lines = [
    `world ${p.id}: DNS ${p.stack.authority} (authority) + ${p.stack.resolver} (resolver) + ${p.stack.signer} (signer); scenarios ${p.scenarioIds.join(", ")}`,
    "",
    docker
      ? "hosts (docker containers; enter one with: docker exec -it <container> bash, DOCKER_HOST as set up)"
      : "hosts (network namespaces; enter one with: ip netns exec <namespace> <command>)",
    `  root/TLD server  ${p.rootServerHost} ${p.rootServerIp}  ns ${ns("root")}`,
    `  lab site         resolver ${p.lab.resolverIp}, authority ${p.lab.authorityHost} ${p.lab.authorityIp}, MTAs ${p.senders.map((s) => `${s.fill.name} ${s.ip}`).join(", ")}  ns ${ns("lab")}`,
    `  remote site      resolver ${p.remote.resolverIp}, authority ${p.remote.authorityHost} ${p.remote.authorityIp}, MTA ${p.remote.mtaHost} ${p.remote.mtaIp}:25, IMAP ${p.remote.mtaIp}:143  ns ${ns("remote")}`,
    `  mail client      ${p.muaIp}  ns ${ns("mua")} (resolves through the lab resolver)`,
    "",
    "accounts",
    ...p.senders.map(
      (s) =>
        `  submit (no auth, from the lab network) to ${s.fill.name}${s.fill.standInFor ? ` (stand-in for ${s.fill.standInFor})` : ""} at ${s.ip}:25 as alice@${s.host}`,
    ),
    `  submission (a real mail client): ${p.senders.find((s) => !s.control)?.ip ?? p.lab.mtaIp}:587, STARTTLS, then AUTH PLAIN as alice@<its MTA's host>, password ${imapPassword}`,
    `    the lab MTAs' submission certificate, to trust in the client: ${world.opts.worldDir}/pki/lab-submission-cert.pem`,
    `  IMAP ${p.remote.mtaIp}:143: any recipient address below as user, password ${imapPassword}`,
    ...p.cases.map((c) => `    bob@${c.domain.padEnd(44)} case ${c.case.id}, receiver address ${c.endpointIp}`),
    "",
    "DNSSEC",
    `  resolvers: lab ${p.lab.resolverIp}, remote ${p.remote.resolverIp} (validating)`,
    `  trust anchor (root KSK DS): ${world.tree?.trustAnchor.join(" | ")}`,
    `  try: ${docker ? "docker exec" : "ip netns exec"} ${ns("lab")} dig +dnssec @${p.lab.resolverIp} _25._tcp.${p.cases[0]?.mxHost ?? p.remote.mtaHost} TLSA`,
    `  files: ${world.opts.worldDir}`,
  ];
  return lines.join("\n");
}
