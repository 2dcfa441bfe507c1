import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAll } from "../cli/load-all.ts";
import { experimentKey, stableJson } from "./experiment.ts";
import type { Case } from "../schema/scenario.ts";

const repoRoot = join(import.meta.dirname, "..", "..");

describe("identical experiments in one world", () => {
  const { worlds } = loadAll(repoRoot, { cases: [], profile: "rfc7672" });

  it("sends seq18's copy of a seq17 case once per sender and world, and judges both", () => {
    const cells = worlds.flatMap((w) => w.cells);
    const s18 = cells.find((c) => c.id === "seq18/dane-ee-valid@postfix/bind")!;
    expect(s18.sameAs).toBeDefined();
    expect(s18.sameAs!.startsWith("seq18/")).toBe(false);
    // The stand-in's own cells: seq13 "@exchange/ad-dns" and "@exchange/bind" run the same bind.
    expect(cells.find((c) => c.id === "seq13/dane-ta-valid@exchange/bind")!.sameAs).toBe(
      "seq13/dane-ta-valid@exchange/ad-dns",
    );
  });

  it("shares only with an observed cell of the same world, sender and case plan", () => {
    for (const w of worlds) {
      const byId = new Map(w.cells.map((c) => [c.id, c]));
      for (const c of w.cells.filter((x) => x.sameAs)) {
        const o = byId.get(c.sameAs!)!;
        expect(o, c.id).toBeDefined();
        expect(o.sameAs).toBeUndefined();
        expect(o.sender).toBe(c.sender);
        expect(o.casePlan).toBe(c.casePlan);
        expect(o.unsupported).toBe(c.unsupported);
      }
    }
  });

  it("never shares between cases whose records, attack or certificate differ", () => {
    for (const w of worlds)
      for (const c of w.cells.filter((x) => x.sameAs)) {
        const o = w.cells.find((x) => x.id === c.sameAs)!;
        expect(experimentKey(c.case, c.casePlan.receiverCertificate)).toBe(
          experimentKey(o.case, o.casePlan.receiverCertificate),
        );
      }
    const base = { id: "a/b", title: "t", tlsa: [{ usage: 3, selector: 1, matching: 1 }] } as unknown as Case;
    const k = (c: Partial<Case>) => experimentKey({ ...base, ...c } as Case, "self-signed");
    expect(k({ id: "x/y", title: "other words" })).toBe(k({}));
    expect(k({ tlsa: [{ usage: 3, selector: 1, matching: 2 }] } as Partial<Case>)).not.toBe(k({}));
    expect(k({ tlsa: [{ usage: 3, selector: 1, matching: 1, fault: "wrong-digest" }] } as Partial<Case>)).not.toBe(
      k({}),
    );
    expect(experimentKey(base, "local-ca")).not.toBe(experimentKey(base, "self-signed"));
  });

  it("runs every cell apart with --separate", () => {
    const apart = loadAll(repoRoot, { cases: [], profile: "rfc7672", separate: true });
    expect(apart.worlds.flatMap((w) => w.cells).filter((c) => c.sameAs)).toEqual([]);
    expect(apart.worlds.flatMap((w) => w.cells).length).toBe(worlds.flatMap((w) => w.cells).length);
  });

  it("orders object keys, so key order in YAML does not matter", () => {
    expect(stableJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(stableJson({ a: [{ x: 1, y: 2 }], b: 1 }));
  });
});
