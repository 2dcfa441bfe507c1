// --repeat N: the same plan run N times must give the same verdict for every cell. Pure.
import type { Results } from "./results.ts";

export interface RepeatComparison {
  identical: boolean;
  differences: string[]; // "cell id: pass, pass, fail, pass, pass"
}

export function compareRuns(runs: Results[]): RepeatComparison {
  const ids = new Set(runs.flatMap((r) => r.cells.map((c) => c.id)));
  const differences: string[] = [];
  for (const id of [...ids].sort()) {
    const outcomes = runs.map((r) => r.cells.find((c) => c.id === id)?.outcome ?? "missing");
    if (new Set(outcomes).size > 1) differences.push(`${id}: ${outcomes.join(", ")}`);
  }
  return { identical: differences.length === 0, differences };
}
