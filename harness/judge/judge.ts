// The judge: expectation x observation -> outcome, with the reason in words. Pure.
import type { Acceptable, Expectation } from "../schema/scenario.ts";
import { describeObservation, type Observation } from "../observe/observation.ts";
import { smimeMismatch } from "./smime-judge.ts";

export const OUTCOMES = ["pass", "fail", "unsupported", "skipped", "error"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Verdict {
  outcome: Outcome;
  reason: string;
  /** Which acceptable observation matched, when one did. */
  matched?: Acceptable;
}

/** What the runner hands the judge: an observation, or why there is none. */
export type Evidence =
  | { kind: "observed"; observation: Observation }
  | { kind: "error"; message: string }
  | { kind: "unsupported"; message: string }
  | { kind: "skipped"; message: string };

export function describeAcceptable(a: Acceptable): string {
  const parts: string[] = [a.via ? `${a.delivery} via the ${a.via} MX` : a.delivery];
  if (a.tls) parts.push(`TLS ${a.tls.join(" or ")}`);
  if (a.cleartext !== undefined) parts.push(a.cleartext ? "cleartext" : "no cleartext");
  const s = a.smime;
  if (s?.refused) parts.push("the sending client refuses");
  if (s?.signature) parts.push(`S/MIME signature ${s.signature}`);
  if (s?.trust) parts.push(`signer trusted by ${s.trust.join(" or ")}`);
  if (s?.decrypted !== undefined) parts.push(s.decrypted ? "decrypted" : "not decrypted");
  return parts.join(", ");
}

export function describeExpectation(e: Expectation): string {
  return e.accept.map(describeAcceptable).join("; or ");
}

/** Which MX host the sender's log says took the message. */
export function viaOf(relay: string | undefined): "primary" | "backup" | undefined {
  if (relay?.startsWith("mx2.")) return "backup";
  if (relay?.startsWith("mx.")) return "primary";
  return undefined;
}

function matches(a: Acceptable, o: Observation): boolean {
  if (a.delivery !== o.delivery) return false;
  if (a.via && viaOf(o.relay) !== a.via) return false;
  if (a.tls && !a.tls.includes(o.tls as never)) return false;
  if (a.cleartext !== undefined && a.cleartext !== o.cleartext) return false;
  if (a.smime && smimeMismatch(a.smime, o.smime) !== undefined) return false;
  return true;
}

export function judge(expectation: Expectation, evidence: Evidence): Verdict {
  if (evidence.kind === "error") return { outcome: "error", reason: evidence.message };
  if (evidence.kind === "unsupported") return { outcome: "unsupported", reason: evidence.message };
  if (evidence.kind === "skipped") return { outcome: "skipped", reason: evidence.message };
  const o = evidence.observation;
  const seen = describeObservation(o);
  if (o.delivery === "unknown") return { outcome: "error", reason: `no final outcome was observed: ${seen}` };
  const needed = expectation.accept.filter((a) => a.cleartext !== undefined || a.tls);
  if (o.cleartext === "unknown" && needed.some((a) => a.cleartext !== undefined))
    return { outcome: "error", reason: `whether the message crossed in cleartext could not be observed: ${seen}` };
  const hit = expectation.accept.find((a) => matches(a, o));
  if (hit) return { outcome: "pass", reason: `observed ${seen}; acceptable under ${expectation.rule}`, matched: hit };
  // For S/MIME, say what did not fit (a verifier's dissent is not in the summary line).
  const why = expectation.accept
    .filter((a) => a.smime)
    .map((a) => smimeMismatch(a.smime!, o.smime))
    .filter(Boolean);
  return {
    outcome: "fail",
    reason: `expected ${describeExpectation(expectation)}; observed ${seen}${why.length ? ` [${why.join("; ")}]` : ""} (rule: ${expectation.rule})`,
  };
}
