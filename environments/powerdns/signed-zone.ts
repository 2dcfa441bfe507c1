// The signed zone as the throw-away PowerDNS server transfers it (dig AXFR output), and the bits of
// DNSSEC arithmetic (RFC 4034 key tag, SHA-256 DS) used to check it against pdnsutil's own DS.
import { createHash } from "node:crypto";
import { dnskeyRdata, keyTag, nameWire } from "../../harness/world/dnskey.ts";

export interface RR {
  owner: string; // absolute, lower case
  ttl: number;
  type: string; // upper case
  rdata: string[];
  line: string; // "owner ttl IN type rdata", one line
}

export interface SignedZone {
  text: string; // the zone file to write: one RR a line
  rrs: RR[];
  /** DNSKEYs with the SEP bit whose key tag is on an RRSIG over the DNSKEY RRset. */
  ksks: RR[];
}

export const absolute = (zone: string) => (zone.endsWith(".") ? zone : `${zone}.`).toLowerCase();

/** RR lines of dig's +noall +answer output (comments and blank lines dropped). */
export function parseRRs(text: string): RR[] {
  const rrs: RR[] = [];
  for (const raw of text.split("\n")) {
    const f = raw.replace(/;.*$/, "").trim().split(/\s+/);
    if (f.length < 5 || !/^\d+$/.test(f[1]!) || f[2]!.toUpperCase() !== "IN") continue;
    const rr = { owner: f[0]!.toLowerCase(), ttl: Number(f[1]), type: f[3]!.toUpperCase(), rdata: f.slice(4) };
    rrs.push({ ...rr, line: `${rr.owner}\t${rr.ttl}\tIN\t${rr.type}\t${rr.rdata.join(" ")}` });
  }
  return rrs;
}

/** The transfer is usable once the SOA is signed and the DNSKEY RRset carries an RRSIG by a KSK of
 *  the zone; a failed or partial transfer gives undefined (poll again). */
export function fullySigned(origin: string, axfr: string): SignedZone | undefined {
  const rrs = parseRRs(axfr);
  const soas = rrs.filter((r) => r.type === "SOA" && r.owner === origin);
  if (soas.length !== 1) return undefined; // +onesoa: exactly one SOA in a complete transfer
  const sigs = (t: string) => rrs.filter((r) => r.type === "RRSIG" && r.owner === origin && r.rdata[0] === t);
  if (sigs("SOA").length === 0) return undefined;
  const dnskeySigners = new Set(sigs("DNSKEY").map((s) => Number(s.rdata[6])));
  const ksks = rrs.filter(
    (r) => r.type === "DNSKEY" && r.owner === origin && (Number(r.rdata[0]) & 1) === 1 && dnskeySigners.has(keyTag(r)),
  );
  if (ksks.length === 0) return undefined;
  return { text: rrs.map((r) => r.line).join("\n") + "\n", rrs, ksks };
}

/** "tag alg 2 DIGEST" (upper case) of a DNSKEY RR: the SHA-256 DS rdata, for comparisons. */
export function dsRdataOf(rr: RR): string {
  const digest = createHash("sha256").update(Buffer.concat([nameWire(rr.owner), dnskeyRdata(rr)]));
  return `${keyTag(rr)} ${rr.rdata[2]} 2 ${digest.digest("hex").toUpperCase()}`;
}

/** The SHA-256 (digest type 2) DS lines of `pdnsutil export-zone-ds` output, as
 *  "owner ttl IN DS tag alg 2 digest" (pdnsutil prints no TTL and a trailing comment). */
export function sha256DsLines(exported: string, origin: string, ttl: number): string[] {
  const out: string[] = [];
  for (const raw of exported.split("\n")) {
    const f = raw.replace(/;.*$/, "").trim().split(/\s+/);
    const i = f.findIndex((t) => t.toUpperCase() === "DS");
    if (i < 1 || f[0]!.toLowerCase() !== origin || f.length < i + 5 || f[i + 3] !== "2") continue;
    out.push(
      `${origin} ${ttl} IN DS ${f[i + 1]} ${f[i + 2]} 2 ${f
        .slice(i + 4)
        .join("")
        .toUpperCase()}`,
    );
  }
  return out;
}

/** "tag alg 2 DIGEST" of a DS line made by sha256DsLines. */
export const dsRdata = (line: string) => line.trim().split(/\s+/).slice(4).join(" ");
export { keyTag };
