// --repeat N: the same plan run N times must give the same verdict for every cell. Pure.
import type { CellResult } from "./results.ts";

/** What the comparison needs of a run: each cell's id and outcome (a run's full results, or
 *  verdictsOf() them, which a run of many repetitions keeps instead of every observation). */
export interface RunVerdicts {
  cells: Pick<CellResult, "id" | "outcome">[];
}

export const verdictsOf = (r: RunVerdicts): RunVerdicts => ({
  cells: r.cells.map((c) => ({ id: c.id, outcome: c.outcome })),
});

export interface RepeatComparison {
  identical: boolean;
  differences: string[]; // "cell id: pass, pass, fail, pass, pass"
}

export function compareRuns(runs: RunVerdicts[]): RepeatComparison {
  const ids = new Set(runs.flatMap((r) => r.cells.map((c) => c.id)));
  const byId = runs.map((r) => new Map(r.cells.map((c) => [c.id, c.outcome])));
  const differences: string[] = [];
  for (const id of [...ids].sort()) {
    const outcomes = byId.map((m) => m.get(id) ?? "missing");
    if (new Set(outcomes).size > 1) differences.push(`${id}: ${outcomes.join(", ")}`);
  }
  return { identical: differences.length === 0, differences };
}
