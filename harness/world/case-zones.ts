// A case's own DNS subtree, for the cases with `dnsFault` (and `cname`): the mail domain is a child
// zone of remote.test, and some layouts delegate zones below it (an unsigned zone, a zone its
// authority cannot load, a zone delegated to where no name server is). Pure: each zone's unsigned
// text; signing, the DS chain and the faults are applied by signCaseZones().
import type { CasePlan, WorldPlan } from "../plan/plan.ts";
import { addressRecordType, SILENT_ADDR } from "../plan/addressing.ts";
import type { DnsFault } from "../schema/scenario.ts";
import { tlsaOwner, tlsaPresentation, type TlsaRdata } from "./tlsa.ts";

const TTL = 300;

/** How a zone is served: normally, from a file its authority cannot load, or by nobody at all. */
export type ZoneServed = "served" | "unloadable" | "nowhere";

export interface CaseZone {
  zone: string;
  /** Unsigned zone text; the DS of its signed children are added once they are signed. */
  text: string;
  signed: boolean;
  /** What the harness breaks after signing (signatures), or in the DS its parent publishes. */
  /** ...or the harness's own S/MIME fault: the SMIMEA RRset's signature altered. */
  fault?: DnsFault | "smimea-bad-rrsig";
  served: ZoneServed;
  children: CaseZone[];
}

/** The names a case's layout uses, from the case alone. */
export function caseNames(cp: CasePlan) {
  const d = cp.domain;
  const mx = cp.mxHost;
  const c = cp.case.cname;
  const insecure = `insecure.${d}`;
  /** The MX host's canonical name (its CNAME's target), or the MX host itself. */
  const canonical = c?.mx === "signed" ? `host.${d}` : c?.mx === "unsigned" ? `mx.${insecure}` : mx;
  const tlsaBase = c?.mx && c.tlsaAt !== "original" ? canonical : mx;
  /** Where the TLSA owner's CNAME points, with a TLSA alias. */
  const tlsaTarget = c?.tlsa === "signed" ? `tlsa.${d}` : c?.tlsa === "unsigned" ? `tlsa.${insecure}` : undefined;
  return {
    domain: d,
    mx,
    insecure,
    canonical,
    /** The owner the resolver is asked for (the TLSA base domain with _25._tcp). */
    tlsaOwner: tlsaOwner(tlsaBase),
    /** Where the case's TLSA RRset is published. */
    tlsaAt: tlsaTarget ?? tlsaOwner(tlsaBase),
    tlsaTarget,
    /** With `cname.originalTlsa`: the owner of the second RRset. */
    originalTlsaAt: c?.originalTlsa ? tlsaOwner(mx) : undefined,
    silentNs: `ns-silent.${d}`,
  };
}

interface ZoneDef {
  zone: string;
  signed: boolean;
  served: ZoneServed;
  fault?: DnsFault;
  ns: string; // the name server its parent delegates to
}

const inZone = (owner: string, zone: string) => owner === zone || owner.endsWith(`.${zone}`);

/** The case's zone tree: the mail domain's zone first, its delegated zones as children. */
export function caseZones(w: WorldPlan, cp: CasePlan, tlsa: Map<string, TlsaRdata[]>, serial: number): CaseZone {
  const f = cp.case.dnsFault;
  const n = caseNames(cp);
  const authority = w.remote.authorityHost;
  const tcp = `_tcp.${n.mx}`;
  const zones: ZoneDef[] = [{ zone: n.domain, signed: true, served: "served", ns: authority }];
  // Faults that break the mail domain's own zone (or the DS of it) stay on it.
  const onDomain: DnsFault[] = [
    "bad-rrsig",
    "expired-rrsig",
    "not-yet-valid-rrsig",
    "missing-rrsig",
    "ds-wrong-digest",
    "ds-unknown-algorithm",
    "no-ds",
    "a-bad-rrsig",
    "a-expired-rrsig",
    "a-not-yet-valid-rrsig",
    "a-missing-rrsig",
    "aaaa-bad-rrsig",
    "aaaa-expired-rrsig",
    "aaaa-not-yet-valid-rrsig",
    "aaaa-missing-rrsig",
  ];
  if (f && onDomain.includes(f)) zones[0]!.fault = f;
  if (f === "mx-host-unsigned-zone") zones.push({ zone: n.mx, signed: false, served: "served", ns: authority });
  if (f === "tlsa-unsigned-zone") zones.push({ zone: tcp, signed: false, served: "served", ns: authority });
  if (f === "tlsa-servfail") zones.push({ zone: tcp, signed: true, served: "unloadable", ns: authority });
  if (f === "tlsa-no-answer") zones.push({ zone: tcp, signed: true, served: "nowhere", ns: n.silentNs });
  const c = cp.case.cname;
  if (c?.mx === "unsigned" || c?.tlsa === "unsigned")
    zones.push({ zone: n.insecure, signed: false, served: "served", ns: authority });

  const records: string[] = [`${n.domain}. ${TTL} IN MX 10 ${n.mx}.`];
  if (n.canonical !== n.mx) records.push(`${n.mx}. ${TTL} IN CNAME ${n.canonical}.`);
  records.push(`${n.canonical}. ${TTL} IN ${addressRecordType(cp.endpointIp)} ${cp.endpointIp}`);
  if (f === "tlsa-no-answer") records.push(`${n.silentNs}. ${TTL} IN A ${SILENT_ADDR}`);
  if (n.tlsaTarget) records.push(`${n.tlsaOwner}. ${TTL} IN CNAME ${n.tlsaTarget}.`);
  for (const r of tlsa.get(cp.case.id) ?? []) records.push(tlsaPresentation(n.tlsaAt, r, TTL));
  if (n.originalTlsaAt)
    for (const r of tlsa.get(`${cp.case.id}#original`) ?? []) records.push(tlsaPresentation(n.originalTlsaAt, r, TTL));
  if (f === "tlsa-nodata") records.push(`${n.tlsaOwner}. ${TTL} IN TXT "a name with no TLSA RRset"`);

  // Each record goes into the deepest zone that holds its owner; each zone gets its SOA and NS,
  // and its parent the delegation (the DS follow at signing).
  const owner = (rr: string) => rr.split(" ")[0]!.replace(/\.$/, "");
  const deepest = (name: string, except?: string) =>
    zones.filter((z) => z.zone !== except && inZone(name, z.zone)).sort((a, b) => b.zone.length - a.zone.length)[0]!;
  const build = (z: ZoneDef): CaseZone => {
    const lines = [
      `$ORIGIN ${z.zone}.`,
      `$TTL ${TTL}`,
      `${z.zone}. ${TTL} IN SOA ${authority}. hostmaster.${authority}. ${serial} 300 60 86400 60`,
      `${z.zone}. ${TTL} IN NS ${z.ns}.`,
    ];
    const children = zones.filter((k) => k !== z && deepest(k.zone, k.zone) === z);
    for (const k of children) lines.push(`${k.zone}. ${TTL} IN NS ${k.ns}.`);
    lines.push(...records.filter((rr) => deepest(owner(rr)) === z), "");
    return {
      zone: z.zone,
      text: lines.join("\n"),
      signed: z.signed,
      ...(z.fault ? { fault: z.fault } : {}),
      served: z.served,
      children: children.map(build),
    };
  };
  return build(zones[0]!);
}

export function flattenZones(z: CaseZone): CaseZone[] {
  return [z, ...z.children.flatMap(flattenZones)];
}

/** The zones of a case that its authority is told to serve (a broken file included). Pure. */
export function servedCaseZones(w: WorldPlan, cp: CasePlan): string[] {
  return flattenZones(caseZones(w, cp, new Map(), 0))
    .filter((z) => z.served !== "nowhere")
    .map((z) => z.zone);
}
