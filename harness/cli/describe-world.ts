// What `nccoe up` prints: enough to point a real mail client or DNS tool at the world.
import type { StartedWorld } from "../driver/netns/world.ts";

export function describeWorld(world: StartedWorld, imapPassword: string): string {
  const p = world.plan;
  const ns = (h: "root" | "lab" | "remote" | "mua") => world.nsOf(h);
  const lines = [
    `world ${p.id} (scenarios ${p.scenarioIds.join(", ")})`,
    "",
    "hosts (network namespaces; enter one with: ip netns exec <namespace> <command>)",
    `  root/TLD server  ${p.rootServerHost} ${p.rootServerIp}  ns ${ns("root")}`,
    `  lab site         resolver ${p.lab.resolverIp}, authority ${p.lab.authorityHost} ${p.lab.authorityIp}, MTA ${p.lab.mtaHost} ${p.lab.mtaIp}:25  ns ${ns("lab")}`,
    `  remote site      resolver ${p.remote.resolverIp}, authority ${p.remote.authorityHost} ${p.remote.authorityIp}, MTA ${p.remote.mtaHost} ${p.remote.mtaIp}:25, IMAP ${p.remote.mtaIp}:143  ns ${ns("remote")}`,
    `  mail client      ${p.muaIp}  ns ${ns("mua")} (resolves through the lab resolver)`,
    "",
    "accounts",
    `  submit (no auth, from the lab network) to ${p.lab.mtaIp}:25 as ${p.cells[0]?.sender ?? `alice@${p.lab.zone}`}`,
    `  IMAP ${p.remote.mtaIp}:143: any recipient address below as user, password ${imapPassword}`,
    ...p.cells.map((c) => `    ${c.recipient.padEnd(48)} case ${c.id}`),
    "",
    "DNSSEC",
    `  resolvers: lab ${p.lab.resolverIp}, remote ${p.remote.resolverIp} (validating)`,
    `  trust anchor (root KSK DS): ${world.tree?.trustAnchor.join(" | ")}`,
    `  try: ip netns exec ${ns("lab")} dig +dnssec @${p.lab.resolverIp} _25._tcp.${p.cells[0]?.mxHost ?? p.remote.mtaHost} TLSA`,
    `  files: ${world.opts.worldDir}`,
  ];
  return lines.join("\n");
}
