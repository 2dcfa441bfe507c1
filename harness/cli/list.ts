// `run --list`: the plan, one cell a line, without bringing anything up.
import type { WorldPlan } from "../plan/plan.ts";
import { describeExpectation } from "../judge/judge.ts";

export function formatPlan(worlds: WorldPlan[]): string {
  const lines: string[] = [];
  let n = 0;
  for (const w of worlds) {
    const r = w.lab.roster;
    lines.push(
      `# world ${w.id}: lab ${r["mta-sender"]} / ${r.authority}+${r.resolver}+${r.signer}; remote ${w.remote.roster["mta-receiver"]}+${w.remote.roster.mda}; receiver certificate ${w.receiverCertificate}`,
    );
    for (const c of w.cells) {
      n++;
      const tlsa = c.case.tlsa
        .map((t) => `${t.usage} ${t.selector} ${t.matching}${t.fault ? ` (${t.fault})` : ""}`)
        .join(", ");
      lines.push(
        `${c.id.padEnd(34)} ${c.profile}  TLSA ${tlsa.padEnd(22)} expect: ${describeExpectation(c.expectation)}`,
      );
    }
  }
  lines.push(`${n} cells in ${worlds.length} world${worlds.length === 1 ? "" : "s"}`);
  return lines.join("\n");
}
