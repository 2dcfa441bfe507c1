// The zone named serves, as text from `dig AXFR`, and whether it is fully signed. Pure.
//
// "Fully signed" here means what a validator needs from this zone alone:
//  - a DNSKEY RRset with a KSK (flags 257) whose key tag signs that RRset (the DS will point at it),
//  - an RRSIG for every authoritative RRset (not for delegation NS or glue below a zone cut),
//  - a denial-of-existence chain: an NSEC at every authoritative owner, or NSEC3PARAM + NSEC3 records.
// named signs incrementally, so a transfer taken too early can lack some of these: poll until none lack.

export interface RR {
  owner: string; // lower case, absolute ("remote.test.")
  ttl: number;
  type: string; // upper case
  rdata: string[]; // whitespace-separated tokens (quoted strings are not re-joined; only keys are parsed)
  line: string; // the original line (trimmed), re-emitted as is: TXT strings keep their spaces
}

export function absolute(zone: string): string {
  const z = zone.trim().toLowerCase();
  return z === "." || z === "" ? "." : z.endsWith(".") ? z : `${z}.`;
}

/** Zone-file lines as dig prints them (owner TTL class type rdata...); comments and blanks skipped. */
export function parseRRs(text: string): RR[] {
  const out: RR[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith(";") || line.startsWith("$")) continue;
    const t = line.split(/\s+/);
    if (t.length < 4 || !/^\d+$/.test(t[1]!)) continue;
    const hasClass = /^(IN|CH|HS|CLASS\d+)$/i.test(t[2]!);
    const typeAt = hasClass ? 3 : 2;
    out.push({
      owner: absolute(t[0]!),
      ttl: Number(t[1]),
      type: t[typeAt]!.toUpperCase(),
      rdata: t.slice(typeAt + 1),
      line,
    });
  }
  return out;
}

const isBelow = (name: string, cut: string) => cut === "." || name === cut || name.endsWith(`.${cut}`);

/** RFC 4034 appendix B key tag of a DNSKEY (flags protocol algorithm base64...). */
export function keyTag(rr: RR): number {
  const [flags, proto, alg, ...b64] = rr.rdata;
  const key = Buffer.from(b64.join(""), "base64");
  const wire = Buffer.concat([
    Buffer.from([Number(flags) >> 8, Number(flags) & 0xff, Number(proto), Number(alg)]),
    key,
  ]);
  let ac = 0;
  for (let i = 0; i < wire.length; i++) ac += i & 1 ? wire[i]! : wire[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

export interface SignedZone {
  rrs: RR[];
  /** The DNSKEY RRs with flags 257 whose key tag signs the DNSKEY RRset: the DS must match these. */
  ksks: RR[];
  text: string;
}

/** Problems that keep the zone from being fully signed; none = ready. */
export function signingGaps(zone: string, rrs: RR[]): string[] {
  const apex = absolute(zone);
  const gaps: string[] = [];
  if (!rrs.some((r) => r.type === "SOA" && r.owner === apex)) gaps.push("no SOA at the apex");
  const cuts = [...new Set(rrs.filter((r) => r.type === "NS" && r.owner !== apex).map((r) => r.owner))];
  const belowCut = (name: string) => cuts.some((c) => name !== c && isBelow(name, c));
  const sigs = new Set(rrs.filter((r) => r.type === "RRSIG").map((r) => `${r.owner} ${r.rdata[0]?.toUpperCase()}`));
  const owners = new Set<string>();
  for (const r of rrs) {
    if (r.type === "RRSIG" || belowCut(r.owner)) continue; // glue and data below a cut
    owners.add(r.owner);
    if (cuts.includes(r.owner) && r.type !== "DS" && r.type !== "NSEC") continue; // delegation NS (and glue)
    if (!sigs.has(`${r.owner} ${r.type}`)) gaps.push(`no RRSIG for ${r.owner} ${r.type}`);
  }
  const nsec3 = rrs.some((r) => r.type === "NSEC3PARAM" && r.owner === apex);
  if (nsec3) {
    if (!rrs.some((r) => r.type === "NSEC3")) gaps.push("NSEC3PARAM but no NSEC3 records");
  } else {
    const withNsec = new Set(rrs.filter((r) => r.type === "NSEC").map((r) => r.owner));
    for (const o of owners) if (!withNsec.has(o)) gaps.push(`no NSEC at ${o}`);
  }
  if (signingKsks(apex, rrs).length === 0) gaps.push("no KSK (flags 257) signs the DNSKEY RRset");
  return [...new Set(gaps)];
}

function signingKsks(apex: string, rrs: RR[]): RR[] {
  const dnskeySigners = new Set(
    rrs
      .filter((r) => r.type === "RRSIG" && r.owner === apex && r.rdata[0]?.toUpperCase() === "DNSKEY")
      .map((r) => Number(r.rdata[6])),
  );
  return rrs.filter(
    (r) => r.type === "DNSKEY" && r.owner === apex && r.rdata[0] === "257" && dnskeySigners.has(keyTag(r)),
  );
}

/** The AXFR output as a zone (SOA once, first), or undefined while it is not fully signed. */
export function fullySigned(zone: string, axfr: string): SignedZone | undefined {
  const rrs = parseRRs(axfr);
  const soaAt = rrs.findIndex((r) => r.type === "SOA");
  if (soaAt > 0) rrs.unshift(...rrs.splice(soaAt, 1));
  // An AXFR ends with the SOA again (unless dig +onesoa dropped it).
  if (rrs.length > 1 && rrs[rrs.length - 1]!.type === "SOA" && rrs[rrs.length - 1]!.line === rrs[0]!.line) rrs.pop();
  if (signingGaps(zone, rrs).length > 0) return undefined;
  const text = [`; ${absolute(zone)} signed by BIND 9 named (dnssec-policy, inline-signing), from AXFR`]
    .concat(rrs.map((r) => r.line))
    .join("\n");
  return { rrs, ksks: signingKsks(absolute(zone), rrs), text: `${text}\n` };
}
