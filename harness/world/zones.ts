// Unsigned zone texts for the world's private DNS tree: ".", "test.", "lab.test.", "remote.test.".
// Pure: DS records of the children are inputs, so a parent is rendered after its children are signed.
import type { SitePlan, WorldPlan } from "../plan/plan.ts";
import { addressRecordType } from "../plan/addressing.ts";
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

function siteHead(site: SitePlan, serial: number): string[] {
  return [
    ...soa(site.zone, site.authorityHost, serial),
    `${site.zone}. ${TTL} IN NS ${site.authorityHost}.`,
    `${site.authorityHost}. ${TTL} IN A ${site.authorityIp}`,
    `${site.mtaHost}. ${TTL} IN A ${site.mtaIp}`,
    `${site.zone}. ${TTL} IN MX 10 ${site.mtaHost}.`,
  ];
}

/** The lab zone: its name server and every sending MTA (for their HELO names). */
export function labZone(w: WorldPlan, serial: number): string {
  const lines = siteHead(w.lab, serial);
  for (const s of w.senders) lines.push(`${s.host}. ${TTL} IN A ${s.ip}`);
  return [...lines, ""].join("\n");
}

/** The remote zone: per case a mail domain, its MX host on the case's own address, and its TLSA RRset. */
export function remoteZone(w: WorldPlan, tlsaByCase: Map<string, TlsaRdata[]>, serial: number): string {
  const lines = siteHead(w.remote, serial);
  for (const cp of w.cases) {
    if (cp.case.dnsFault) {
      // Its own child zone (case-zones.ts); the delegation's DS, unless the fault removes it,
      // is added once the child is signed.
      lines.push(`; case ${cp.case.id}: delegated to the child zone ${cp.domain}.`);
      lines.push(`${cp.domain}. ${TTL} IN NS ${w.remote.authorityHost}.`);
      continue;
    }
    lines.push(`; case ${cp.case.id}`);
    lines.push(`${cp.domain}. ${TTL} IN MX 10 ${cp.mxHost}.`);
    lines.push(`${cp.mxHost}. ${TTL} IN ${addressRecordType(cp.endpointIp)} ${cp.endpointIp}`);
    for (const r of tlsaByCase.get(cp.case.id) ?? []) lines.push(tlsaPresentation(tlsaOwner(cp.mxHost), r, TTL));
    if (cp.backupMxHost && cp.backupIp) {
      lines.push(`${cp.domain}. ${TTL} IN MX 20 ${cp.backupMxHost}.`);
      lines.push(`${cp.backupMxHost}. ${TTL} IN A ${cp.backupIp}`);
      for (const r of tlsaByCase.get(`${cp.case.id}#backup`) ?? [])
        lines.push(tlsaPresentation(tlsaOwner(cp.backupMxHost), r, TTL));
    }
  }
  return [...lines, ""].join("\n");
}
