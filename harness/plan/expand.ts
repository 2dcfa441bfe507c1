// Expand a case's `vary` (selector x matching type) into concrete cases with stable ids. Pure.
import type { Case } from "../schema/scenario.ts";

export function variedId(id: string, selector: number, matching: number): string {
  return `${id}-s${selector}m${matching}`;
}

export function expandCases(cases: Case[]): Case[] {
  return cases.flatMap((c) => {
    if (!c.vary) return [c];
    const out: Case[] = [];
    for (const sel of c.vary.selector)
      for (const mt of c.vary.matching)
        out.push({
          ...c,
          vary: undefined,
          id: variedId(c.id, sel, mt),
          title: `${c.title} (selector ${sel}, matching type ${mt})`,
          tlsa: c.tlsa.map((t) => ({ ...t, selector: sel, matching: mt })),
          twin: c.twin ? variedId(c.twin, sel, mt) : undefined,
          twinOf: c.twinOf ? variedId(c.twinOf, sel, mt) : undefined,
        });
    return out;
  });
}
