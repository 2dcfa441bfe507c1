// The end-of-run summary on the console: one line per cell, then a matrix of counts
// per sequence x implementation (stand-ins marked), read from results.json only.
import type { CellResult, Results } from "../harness/results/results.ts";
import { counts } from "../harness/results/results.ts";
import { verifierSummary } from "./verifier-summary.ts";

/** "<sender>/<dns stack>" as in the cell id, e.g. "exchange/ad-dns". */
function rosterLabel(c: CellResult): string {
  return c.id.slice(c.id.indexOf("@") + 1);
}

/** Stand-ins in a cell's roster, e.g. "exchange=postfix". */
function standIns(c: CellResult): string[] {
  return [...Object.values(c.roster.lab), ...Object.values(c.roster.remote)]
    .filter((f) => f.standInFor)
    .map((f) => `${f.as ?? f.standInFor}=${f.implementation}`);
}

export function consoleSummary(results: Results): string {
  const out: string[] = [];
  out.push("");
  out.push(
    `run ${results.runId}  profile ${results.profile}${results.options.weakenedSender ? `  (WEAKENED SENDER: TLS level ${results.options.senderTlsLevel ?? "may"})` : ""}${results.options.weakenedMua ? "  (WEAKENED RECEIVING CLIENT: no SMIMEA binding, no signature check)" : ""}`,
  );
  for (const c of results.cells) out.push(`  ${c.outcome.toUpperCase().padEnd(11)} ${c.id.padEnd(34)} ${c.reason}`);
  out.push("");
  const groups = new Map<string, CellResult[]>();
  for (const c of results.cells) {
    const key = `${c.sequence ? `seq ${c.sequence}` : c.scenario}${c.canonical ? "*" : ""} | ${rosterLabel(c)}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  out.push(`${"sequence | sender/DNS stack".padEnd(52)} pass fail unsup skip error  stand-ins`);
  for (const [key, cells] of groups) {
    const n = counts(cells);
    const si = new Set(cells.flatMap(standIns));
    out.push(
      `${key.padEnd(52)} ${String(n.pass).padStart(4)} ${String(n.fail).padStart(4)} ${String(n.unsupported).padStart(5)} ${String(n.skipped).padStart(4)} ${String(n.error).padStart(5)}  ${[...si].join(", ") || "-"}`,
    );
  }
  const n = counts(results.cells);
  out.push("(* the guide's own roster for the sequence)");
  out.push("");
  // A false accept: under attack, where the case expected the mail withheld, it was delivered or leaked.
  const attacked = results.cells.filter(
    (c) => c.attack && !c.control && c.expected.accept.every((a) => a.delivery === "withheld"),
  );
  const controls = results.cells.filter((c) => c.attack && c.control);
  if (attacked.length > 0) {
    const falseAccepts = attacked.filter((c) => c.observed?.delivery === "delivered" || c.observed?.cleartext === true);
    out.push(`false accepts: ${falseAccepts.length}  (a DANE sender delivered, or leaked cleartext, under attack)`);
    out.push(
      `controls effective: ${controls.filter((c) => c.outcome === "pass").length}/${controls.length}  (the attack worked against the opportunistic control sender)`,
    );
    for (const c of falseAccepts) out.push(`  FALSE ACCEPT ${c.id}`);
    for (const c of controls.filter((c) => c.outcome !== "pass"))
      out.push(`  INEFFECTIVE CONTROL ${c.id}: ${c.reason}`);
  }
  const verifiers = verifierSummary(results.cells);
  if (verifiers.length) out.push(...verifiers, "");
  out.push(
    `outcomes: pass ${n.pass}, fail ${n.fail}, error ${n.error}, unsupported ${n.unsupported}, skipped ${n.skipped}`,
  );
  return out.join("\n");
}
