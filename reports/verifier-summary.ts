// The S/MIME verifiers as a dimension of the results: for each verifier (OpenSSL cms, NSS
// cmsutil, gpgsm), how many delivered S/MIME messages it called valid, invalid, untrusted,
// unsupported or error, and in how many cells it agreed with the expectation. From results.json.
import type { CellResult } from "../harness/results/results.ts";
import { verifierMismatch } from "../harness/judge/smime-judge.ts";

const VERDICTS = ["valid", "invalid", "untrusted", "unsupported", "error"] as const;

export function verifierSummary(cells: CellResult[]): string[] {
  const rows = new Map<string, { n: Record<string, number>; agree: number; disagree: string[] }>();
  for (const c of cells) {
    const expected = c.expected.accept.find((a) => a.smime)?.smime;
    for (const v of c.observed?.smime?.verifiers ?? []) {
      const r = rows.get(v.verifier) ?? { n: {}, agree: 0, disagree: [] };
      r.n[v.verdict] = (r.n[v.verdict] ?? 0) + 1;
      if (expected && v.verdict !== "unsupported") {
        if (verifierMismatch(expected, v)) r.disagree.push(c.id);
        else r.agree++;
      }
      rows.set(v.verifier, r);
    }
  }
  if (rows.size === 0) return [];
  const out = [`${"S/MIME verifier".padEnd(16)} ${VERDICTS.map((v) => v.padStart(12)).join("")}   as expected`];
  for (const [name, r] of rows) {
    const judged = r.agree + r.disagree.length;
    out.push(
      `${name.padEnd(16)} ${VERDICTS.map((v) => String(r.n[v] ?? 0).padStart(12)).join("")}   ${r.agree}/${judged}`,
    );
    for (const id of r.disagree) out.push(`  DISSENT ${name}: ${id}`);
  }
  return out;
}
