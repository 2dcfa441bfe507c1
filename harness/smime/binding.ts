// The receiving client's trust decision for a signer (RFC 8162 §6), pure: the SMIMEA answer for
// the From address, as the site's validating resolver gave it, against the signer's certificate.
//   - a failed lookup (SERVFAIL: bogus, or no answer) binds nothing, and is never read as "no
//     record": no fallback to CA trust;
//   - an insecure answer (AD=0) is ignored;
//   - secure records: a usable one that matches binds the certificate ("dane"), and when there
//     are usable records but none matches, nothing does ("none");
//   - no usable secure record: only PKIX to the client's CAs remains ("ca"), with the address
//     in the certificate.
import { X509Certificate } from "node:crypto";
import type { SmimeTrust } from "../schema/smime.ts";
import type { SmimeaData } from "./dns-packet-smimea.ts";
import { smimeaMatches } from "./smimea-record.ts";

export interface SmimeaAnswer {
  rcode: string; // "NOERROR", "NXDOMAIN", "SERVFAIL", or "TIMEOUT"
  ad: boolean;
  records: SmimeaData[];
}

export interface Binding {
  trust: SmimeTrust;
  reason: string;
  /** The certificate the independent verifiers are to trust: the one DNS bound, the CA root,
   *  or, when nothing is trusted, a whole certificate the SMIMEA carries (to show it does not
   *  validate the message). Absent: nothing to hand them. */
  anchorPem?: string;
}

const usable = (r: SmimeaData) => r.usage <= 3 && r.selector <= 1 && r.matchingType <= 2;
const x = (pem: string) => new X509Certificate(pem);

/** The issuer of `cert` among `pool`, by name and signature. */
function issuerOf(cert: X509Certificate, pool: X509Certificate[]): X509Certificate | undefined {
  return pool.find((c) => c.ca && cert.checkIssued(c) && cert.verify(c.publicKey));
}

/** The chain from the signer up to a self-signed root, through the certificates the message carries. */
function chainOf(signerPem: string, carried: string[]): X509Certificate[] {
  const pool = carried.map(x);
  const chain = [x(signerPem)];
  for (let i = 0; i < 5; i++) {
    const last = chain.at(-1)!;
    if (last.checkIssued(last)) break;
    const up = issuerOf(last, pool);
    if (!up) break;
    chain.push(up);
  }
  return chain;
}

/** PKIX, as far as a mail client's trust store goes: a chain to one of `roots`, in date, naming the address. */
export function pkixTrusted(signerPem: string, carried: string[], roots: string[], address: string, now = new Date()) {
  const chain = chainOf(signerPem, [...carried, ...roots]);
  const top = chain.at(-1)!;
  const rootHit = roots.map(x).find((r) => r.fingerprint256 === top.fingerprint256);
  if (!rootHit || chain.length < 2) return { ok: false, why: "no chain to a CA the client trusts" } as const;
  const stale = chain.find((c) => new Date(c.validFrom) > now || new Date(c.validTo) < now);
  if (stale) return { ok: false, why: `${stale.subject.split("\n")[0]} is out of date` } as const;
  if (!x(signerPem).checkEmail(address)) return { ok: false, why: `the certificate does not name ${address}` } as const;
  return { ok: true, root: rootHit.toString() } as const;
}

/** A record with the whole certificate (selector 0, matching 0), as PEM. */
function fullCertOf(records: SmimeaData[]): string | undefined {
  const r = records.find((r) => usable(r) && r.selector === 0 && r.matchingType === 0);
  if (!r) return undefined;
  try {
    return new X509Certificate(r.certificate).toString();
  } catch {
    return undefined;
  }
}

export function bindSigner(
  answer: SmimeaAnswer,
  signerPem: string,
  carried: string[],
  roots: string[],
  address: string,
): Binding {
  if (answer.rcode !== "NOERROR" && answer.rcode !== "NXDOMAIN")
    return { trust: "none", reason: `the SMIMEA lookup failed (${answer.rcode}); a failure is not "no record"` };
  const pkix = (why: string): Binding => {
    const p = pkixTrusted(signerPem, carried, roots, address);
    return p.ok
      ? { trust: "ca", reason: `${why}; the signer chains to a trusted CA`, anchorPem: p.root }
      : { trust: "none", reason: `${why}; and ${p.why}` };
  };
  if (!answer.ad) return pkix(`the SMIMEA answer is insecure (AD=0), so it is ignored`);
  const records = answer.records.filter(usable);
  if (records.length === 0)
    return pkix(answer.records.length ? "only unusable SMIMEA records" : "no SMIMEA record (secure denial)");
  const chain = chainOf(signerPem, [...carried, ...roots]);
  for (const r of records) {
    const leaf = r.usage === 1 || r.usage === 3;
    const candidates = leaf ? [chain[0]!] : chain.slice(1);
    const hit = candidates.find((c) => smimeaMatches(r, c.toString()));
    if (!hit) continue;
    // Usages 0 and 1 also want PKIX to the client's own CAs (RFC 6698 §2.1.1).
    if (r.usage <= 1 && !pkixTrusted(signerPem, carried, roots, address).ok) continue;
    const rec = `${r.usage} ${r.selector} ${r.matchingType}`;
    return {
      trust: "dane",
      reason: `the secure SMIMEA ${rec} matches the ${leaf ? "signer" : "issuing CA"}`,
      anchorPem: hit.toString(),
    };
  }
  return {
    trust: "none",
    reason: `${records.length} secure SMIMEA record(s), none matching the signer's certificate`,
    anchorPem: fullCertOf(records),
  };
}
