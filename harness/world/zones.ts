// Unsigned zone texts for the world's private DNS tree: ".", "test.", "lab.test.", "remote.test.".
// Pure: DS records of the children are inputs, so a parent is rendered after its children are signed.
import type { CellPlan, SitePlan, WorldPlan } from "../plan/plan.ts";
import { tlsaOwner, tlsaPresentation, type TlsaRdata } from "./tlsa.ts";

const TTL = 300;

function soa(origin: string, nsHost: string, serial: number): string[] {
  const o = origin === "." ? "." : `${origin}.`;
  return [
    `$ORIGIN ${o}`,
    `$TTL ${TTL}`,
    `${o} ${TTL} IN SOA ${nsHost}. hostmaster.${nsHost}. ${serial} 300 60 86400 60`,
  ];
}

export function rootZone(w: WorldPlan, testDs: string[], serial: number): string {
  return [
    ...soa(".", w.rootServerHost, serial),
    `. ${TTL} IN NS ${w.rootServerHost}.`,
    `test. ${TTL} IN NS ${w.rootServerHost}.`,
    ...testDs,
    `${w.rootServerHost}. ${TTL} IN A ${w.rootServerIp}`,
    "",
  ].join("\n");
}

export function tldZone(w: WorldPlan, childDs: string[], serial: number): string {
  const lines = [...soa("test", w.rootServerHost, serial), `test. ${TTL} IN NS ${w.rootServerHost}.`];
  lines.push(`${w.rootServerHost}. ${TTL} IN A ${w.rootServerIp}`);
  for (const s of [w.lab, w.remote]) {
    lines.push(`${s.zone}. ${TTL} IN NS ${s.authorityHost}.`);
    lines.push(`${s.authorityHost}. ${TTL} IN A ${s.authorityIp}`);
  }
  lines.push(...childDs, "");
  return lines.join("\n");
}

/** A site's own zone: name server, MTA, and for the remote site one mail domain per cell. */
export function siteZone(
  site: SitePlan,
  serial: number,
  cells: CellPlan[] = [],
  tlsaByCell: Map<string, TlsaRdata[]> = new Map(),
): string {
  const lines = [
    ...soa(site.zone, site.authorityHost, serial),
    `${site.zone}. ${TTL} IN NS ${site.authorityHost}.`,
    `${site.authorityHost}. ${TTL} IN A ${site.authorityIp}`,
    `${site.mtaHost}. ${TTL} IN A ${site.mtaIp}`,
    `${site.zone}. ${TTL} IN MX 10 ${site.mtaHost}.`,
  ];
  for (const cell of cells) {
    lines.push(`; case ${cell.id}`);
    lines.push(`${cell.domain}. ${TTL} IN MX 10 ${cell.mxHost}.`);
    lines.push(`${cell.mxHost}. ${TTL} IN A ${site.mtaIp}`);
    for (const r of tlsaByCell.get(cell.id) ?? []) lines.push(tlsaPresentation(tlsaOwner(cell.mxHost), r, TTL));
  }
  lines.push("");
  return lines.join("\n");
}
