import { describe, expect, it } from "vitest";
import type { CellResult, Results } from "./results.ts";
import { compareRuns } from "./repeat.ts";

const run = (outcomes: Record<string, CellResult["outcome"]>): Results =>
  ({ cells: Object.entries(outcomes).map(([id, outcome]) => ({ id, outcome })) }) as unknown as Results;

describe("repeated runs", () => {
  it("are identical when every cell has the same verdict", () => {
    expect(compareRuns([run({ a: "pass", b: "fail" }), run({ a: "pass", b: "fail" })])).toEqual({
      identical: true,
      differences: [],
    });
  });

  it("name every cell whose verdict changed, or that went missing", () => {
    const c = compareRuns([run({ a: "pass", b: "pass" }), run({ a: "error", b: "pass" }), run({ b: "pass" })]);
    expect(c.identical).toBe(false);
    expect(c.differences).toEqual(["a: pass, error, missing"]);
  });
});
