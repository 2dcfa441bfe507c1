// SMIMEA records (RFC 8162) for a user: RDATA from the user's certificate or its CA, and the
// presentation lines for a zone file. SMIMEA's RDATA and its usages are TLSA's (RFC 8162 §2,
// RFC 6698 §2.1): usage 0 PKIX-TA (a CA that must be in the PKIX path), 1 PKIX-EE (the user's
// certificate, PKIX-valid too), 2 DANE-TA (a trust anchor for the user's certificate),
// 3 DANE-EE (the user's certificate, nothing else checked). The association data is computed by
// harness/world/tlsa.ts, the same code that makes the MTAs' TLSA records.
import type { SmimeaData } from "./dns-packet-smimea.ts";
import { smimeaOwnerForAddress } from "./smimea-owner.ts";
import type { SmimeUser } from "./user-certs.ts";
import type { TlsaFault } from "../schema/scenario.ts";
import { matchData, selectedBytes, tlsaFor, type TlsaRdata } from "../world/tlsa.ts";

/** What a record is made from: the user's own certificate ("user", the default for usages 1
 *  and 3), the CA's root ("ta", the default for 0 and 2) or the CA's intermediate. For a
 *  self-signed user, "ta" is the user's certificate: it is its own trust anchor. */
export type SmimeaSource = "user" | "ta" | "intermediate";

export interface SmimeaSpec {
  usage: number;
  selector: number;
  matching: number;
  of?: SmimeaSource;
  /** The record is made from the real certificate, then broken (see tlsa.ts corrupt()). */
  fault?: TlsaFault;
}

export type SmimeaRdata = TlsaRdata;

/** The certificate (PEM) a record of this spec is made from. */
export function smimeaSourceCert(user: SmimeUser, spec: Pick<SmimeaSpec, "usage" | "of">): string {
  const of = spec.of ?? (spec.usage === 0 || spec.usage === 2 ? "ta" : "user");
  if (of === "user") return user.certPem;
  const [intermediate, root] = user.chainPems;
  if (of === "intermediate") {
    if (!intermediate || !root) throw new Error(`${user.address} has no intermediate CA certificate`);
    return intermediate;
  }
  return user.chainPems.at(-1) ?? user.certPem;
}

/** The RDATA of one record: usage, selector, matching type and association data (hex, upper case). */
export function smimeaFor(user: SmimeUser, spec: SmimeaSpec): SmimeaRdata {
  return tlsaFor(smimeaSourceCert(user, spec), {
    usage: spec.usage,
    selector: spec.selector,
    matching: spec.matching,
    fault: spec.fault,
  });
}

/** `<owner>. <ttl> IN SMIMEA <usage> <selector> <matching> <hex>` (RFC 8162 §2.2, TLSA's format). */
export function smimeaPresentation(owner: string, r: SmimeaRdata, ttl = 300): string {
  return `${owner.replace(/\.$/, "")}. ${ttl} IN SMIMEA ${r.usage} ${r.selector} ${r.matching} ${r.data}`;
}

/** The zone-file lines of a user's SMIMEA RRset, at the owner name of the user's address. */
export function smimeaZoneLines(user: SmimeUser, specs: SmimeaSpec[], ttl = 300): string[] {
  const owner = smimeaOwnerForAddress(user.address);
  return specs.map((spec) => smimeaPresentation(owner, smimeaFor(user, spec), ttl));
}

/** The record as dns-packet-smimea.ts encodes it. */
export function smimeaPacketData(r: SmimeaRdata): SmimeaData {
  return { usage: r.usage, selector: r.selector, matchingType: r.matching, certificate: Buffer.from(r.data, "hex") };
}

/** Does the record's association data match this certificate? (Selector and matching type as
 *  defined; an unusable record, with an undefined selector or matching type, matches nothing.) */
export function smimeaMatches(r: SmimeaRdata | SmimeaData, certPem: string): boolean {
  const selector = r.selector;
  const matching = "matching" in r ? r.matching : r.matchingType;
  const data = "data" in r ? Buffer.from(r.data, "hex") : r.certificate;
  if (selector > 1 || matching > 2) return false;
  return matchData(selectedBytes(certPem, selector), matching).equals(data);
}
