// Does an S/MIME observation fit an acceptable one? Pure. The receiving client's own verdict
// must fit, and so must every independent verifier's: one that calls a message valid that the
// expectation says is untrusted or invalid (or the reverse) makes the cell fail.
import type { SmimeObservation, VerifierVerdict } from "../observe/smime-observation.ts";
import type { SmimeAcceptable } from "../schema/smime.ts";

/** Why a verifier's verdict contradicts what is acceptable, or undefined when it does not. */
export function verifierMismatch(a: SmimeAcceptable, v: VerifierVerdict): string | undefined {
  if (v.verdict === "unsupported") return undefined; // reported, not judged
  if (v.verdict === "error") return `${v.verifier} could not run: ${v.reason}`;
  const trusted = a.trust && a.trust.every((t) => t !== "none");
  const shouldBeValid = a.signature === "valid" && trusted;
  const shouldNotBeValid = a.signature === "invalid" || (a.trust && a.trust.every((t) => t === "none"));
  if (shouldBeValid && v.verdict !== "valid") return `${v.verifier} says ${v.verdict} (${v.reason})`;
  if (shouldNotBeValid && v.verdict === "valid") return `${v.verifier} says valid`;
  return undefined;
}

/** undefined when `o` fits `a`; otherwise what does not fit, in words. */
export function smimeMismatch(a: SmimeAcceptable, o: SmimeObservation | undefined): string | undefined {
  if (!o) return "no S/MIME observation";
  if (a.refused !== undefined && a.refused !== !!o.refused)
    return a.refused ? "the sender did not refuse" : `the sender refused: ${o.refused}`;
  if (o.refused) return a.refused ? undefined : `the sender refused: ${o.refused}`;
  if (a.signature && a.signature !== o.signature) return `signature ${o.signature ?? "not checked"}`;
  if (a.trust && (!o.trust || !a.trust.includes(o.trust))) return `trust ${o.trust ?? "not decided"} (${o.reason})`;
  if (a.decrypted !== undefined && a.decrypted !== !!o.decrypted) return o.decrypted ? "decrypted" : "not decrypted";
  for (const v of o.verifiers) {
    const m = verifierMismatch(a, v);
    if (m) return m;
  }
  return undefined;
}
