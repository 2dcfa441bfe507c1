// TLSA (RFC 6698) certificate association data, computed from a real certificate.
// The same RDATA format serves SMIMEA (RFC 8162).
import { createHash, X509Certificate } from "node:crypto";
import type { TlsaSpec } from "../schema/scenario.ts";

/** Selector 0: the whole certificate (DER). Selector 1: its SubjectPublicKeyInfo (DER). */
export function selectedBytes(certPem: string, selector: number): Buffer {
  const x = new X509Certificate(certPem);
  if (selector === 0) return Buffer.from(x.raw);
  if (selector === 1) return Buffer.from(x.publicKey.export({ type: "spki", format: "der" }));
  throw new Error(`TLSA selector ${selector} has no defined meaning`);
}

/** Matching type 0: exact, 1: SHA-256, 2: SHA-512. */
export function matchData(bytes: Buffer, matching: number): Buffer {
  if (matching === 0) return bytes;
  if (matching === 1) return createHash("sha256").update(bytes).digest();
  if (matching === 2) return createHash("sha512").update(bytes).digest();
  throw new Error(`TLSA matching type ${matching} has no defined meaning`);
}

export interface TlsaRdata {
  usage: number;
  selector: number;
  matching: number;
  data: string; // hex, upper case
}

/** Flip every bit of one octet (the last by default): same length, different data. */
export function corrupt(hex: string, octet = hex.length / 2 - 1): string {
  const at = octet * 2;
  const flipped = (parseInt(hex.slice(at, at + 2), 16) ^ 0xff).toString(16).padStart(2, "0").toUpperCase();
  return hex.slice(0, at) + flipped + hex.slice(at + 2);
}

/** For exact data (matching type 0) a wrong record must carry a different *key*: a flipped octet
 *  in a certificate's signature would leave the key intact, and a DANE-TA client may rightly use
 *  that key as its trust anchor. So flip an octet in the middle of the SubjectPublicKeyInfo. */
function keyOctet(certPem: string, selector: number): number {
  const spki = selectedBytes(certPem, 1);
  const offset = selector === 1 ? 0 : selectedBytes(certPem, 0).indexOf(spki);
  if (offset < 0) throw new Error("SubjectPublicKeyInfo not found in the certificate");
  return offset + Math.floor(spki.length / 2);
}

/** Selector 0-1 and matching type 0-2 are defined (RFC 6698 §2.1); a record with any other
 *  value is unusable (RFC 7671 §4), so its data is arbitrary: here, the SHA-256 of the key. */
export const defined = (spec: Pick<TlsaSpec, "selector" | "matching">) => spec.selector <= 1 && spec.matching <= 2;

export function tlsaFor(certPem: string, spec: TlsaSpec): TlsaRdata {
  const data = (
    defined(spec)
      ? matchData(selectedBytes(certPem, spec.selector), spec.matching)
      : matchData(selectedBytes(certPem, 1), 1)
  )
    .toString("hex")
    .toUpperCase();
  return {
    usage: spec.usage,
    selector: spec.selector,
    matching: spec.matching,
    data:
      spec.fault !== "wrong-digest"
        ? data
        : spec.matching === 0
          ? corrupt(data, keyOctet(certPem, spec.selector))
          : corrupt(data),
  };
}

export function tlsaPresentation(owner: string, r: TlsaRdata, ttl = 300): string {
  return `${owner}. ${ttl} IN TLSA ${r.usage} ${r.selector} ${r.matching} ${r.data}`;
}

export function tlsaOwner(host: string, port = 25, proto = "tcp"): string {
  return `_${port}._${proto}.${host}`;
}
