// What the mail clients and the independent verifiers concluded about one S/MIME message.
import type { SmimeTrust } from "../schema/smime.ts";

/** One independent verifier's verdict (OpenSSL cms, NSS cmsutil, GnuPG gpgsm). */
export interface VerifierVerdict {
  verifier: string;
  verdict: "valid" | "invalid" | "untrusted" | "error" | "unsupported";
  reason: string;
}

export interface SmimeObservation {
  /** The sending client would not send: why. */
  refused?: string;
  signature?: "valid" | "invalid" | "absent";
  trust?: SmimeTrust;
  decrypted?: boolean;
  /** How the receiving client reached its trust decision, in words. */
  reason: string;
  verifiers: VerifierVerdict[];
}

export function describeSmime(s: SmimeObservation): string {
  if (s.refused) return `S/MIME: the sender refused (${s.refused})`;
  const v = s.verifiers.map((x) => `${x.verifier} ${x.verdict}`).join(", ");
  return `S/MIME: signature ${s.signature ?? "?"}, trust ${s.trust ?? "?"}${s.decrypted !== undefined ? `, ${s.decrypted ? "decrypted" : "NOT decrypted"}` : ""}${v ? `; verifiers: ${v}` : ""}`;
}
