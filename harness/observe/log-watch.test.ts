import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LogWatch } from "./log-watch.ts";

describe("LogWatch", () => {
  it("sees a line whose needle and ending arrive in different writes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "logwatch-"));
    const log = join(dir, "maillog");
    writeFileSync(log, "start\n");
    const watch = new LogWatch(5);
    const seen = watch.wait("status of Q1", log, "Q1", (t) => /Q1: .*status=sent/.exec(t)?.[0], { timeoutMs: 2000 });
    appendFileSync(log, "Q1: to=<a@b>, ");
    await new Promise((r) => setTimeout(r, 30));
    appendFileSync(log, "status=sent (ok)\n");
    await expect(seen).resolves.toBe("Q1: to=<a@b>, status=sent");
    watch.close();
    rmSync(dir, { recursive: true });
  });

  it("sees its line even when another waiter's first read consumed it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "logwatch-"));
    const log = join(dir, "maillog");
    writeFileSync(log, "start\n");
    const watch = new LogWatch(5);
    const a = watch.wait("A", log, "QA", (t) => (t.includes("QA: status=sent") ? "A" : undefined), { timeoutMs: 1000 });
    appendFileSync(log, "QA: status=sent\n");
    // B registers before the next tick and reads the new text for its own first check.
    const b = watch.wait("B", log, "QB", (t) => (t.includes("QB: status=sent") ? "B" : undefined), { timeoutMs: 1000 });
    appendFileSync(log, "QB: status=sent\n");
    await expect(Promise.all([a, b])).resolves.toEqual(["A", "B"]);
    watch.close();
    rmSync(dir, { recursive: true });
  });

  it("times out with the waiter's description", async () => {
    const dir = mkdtempSync(join(tmpdir(), "logwatch-"));
    const watch = new LogWatch(5);
    const never = watch.wait("status of Q2", join(dir, "none"), "Q2", () => undefined, { timeoutMs: 50 });
    await expect(never).rejects.toThrow(/status of Q2: not seen within 0.05 s/);
    watch.close();
    rmSync(dir, { recursive: true });
  });
});
