// The bits of DNSSEC arithmetic the Knot signer uses to check its own output: a tolerant parser
// for one-RR-per-line zone text (Knot's zone dump, `knotc zone-read`), the key tag and the DS.
import { createHash } from "node:crypto";
import { dnskeyRdata, keyTag, nameWire } from "../../harness/world/dnskey.ts";

export interface RR {
  owner: string; // absolute, lower case
  ttl: number;
  type: string; // upper case
  rdata: string[];
}

/** Lines "owner TTL [IN] TYPE rdata..." (a `[zone.] ` prefix from knotc is dropped); comments skipped. */
export function parseZoneLines(text: string): RR[] {
  const rrs: RR[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^\[[^\]]*\]\s+/, "");
    if (/^\s*;/.test(line) || line.trim() === "") continue;
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || !/^\d+$/.test(f[1])) continue;
    const typeAt = f[2].toUpperCase() === "IN" ? 3 : 2;
    if (f.length <= typeAt + 1) continue;
    rrs.push({
      owner: f[0].toLowerCase(),
      ttl: Number(f[1]),
      type: f[typeAt].toUpperCase(),
      rdata: f.slice(typeAt + 1),
    });
  }
  return rrs;
}

export const rrLine = (rr: RR) => `${rr.owner}\t${rr.ttl}\tIN\t${rr.type}\t${rr.rdata.join(" ")}`;

/** SHA-256 DS digest (digest type 2) of a DNSKEY RR, upper-case hex. */
export function dsDigest(rr: RR): string {
  return createHash("sha256")
    .update(Buffer.concat([nameWire(rr.owner), dnskeyRdata(rr)]))
    .digest("hex")
    .toUpperCase();
}

export interface SignedZone {
  rrs: RR[];
  /** KSKs (SEP flag set) whose key tag is on an RRSIG over the DNSKEY RRset. */
  ksks: RR[];
}

/** Signed enough to hand out: the DNSKEY RRset is signed by a KSK, and SOA and NSEC are signed. */
export function signedZone(text: string, origin: string): SignedZone | undefined {
  const rrs = parseZoneLines(text);
  const apex = rrs.filter((r) => r.owner === origin);
  const sigs = apex.filter((r) => r.type === "RRSIG");
  const covering = (t: string) => sigs.filter((s) => s.rdata[0]?.toUpperCase() === t);
  const dnskeySigners = new Set(covering("DNSKEY").map((s) => Number(s.rdata[6])));
  const ksks = apex.filter(
    (r) => r.type === "DNSKEY" && (Number(r.rdata[0]) & 1) === 1 && dnskeySigners.has(keyTag(r)),
  );
  const ok = ksks.length > 0 && covering("SOA").length > 0 && covering("NSEC").length > 0;
  return ok ? { rrs, ksks } : undefined;
}
export { keyTag };
