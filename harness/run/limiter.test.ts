import { describe, expect, it } from "vitest";
import { Limiter, mapWith } from "./limiter.ts";

describe("Limiter", () => {
  it("never runs more than its limit at once, and keeps the order of results", async () => {
    const l = new Limiter(3);
    let active = 0;
    let peak = 0;
    const out = await mapWith(l, [...Array(20).keys()], async (i) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      active--;
      return i * 2;
    });
    expect(peak).toBe(3);
    expect(out).toEqual([...Array(20).keys()].map((i) => i * 2));
  });

  it("is shared: two callers together stay within the limit", async () => {
    const l = new Limiter(2);
    let active = 0;
    let peak = 0;
    const task = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
    };
    await Promise.all([mapWith(l, [1, 2, 3, 4], task), mapWith(l, [5, 6, 7], task)]);
    expect(peak).toBe(2);
  });

  it("releases its slot when a task throws", async () => {
    const l = new Limiter(1);
    await expect(l.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(l.run(async () => 7)).resolves.toBe(7);
  });

  it("refuses a limit below 1", () => {
    expect(() => new Limiter(0)).toThrow(/at least 1/);
  });
});
