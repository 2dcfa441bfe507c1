import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { pidsIn } from "./network.ts";

const isRoot = process.getuid?.() === 0;

describe("pidsIn", () => {
  it("finds nothing in a namespace that does not exist", () => {
    expect(pidsIn("nc-no-such-namespace")).toEqual([]);
  });

  it.skipIf(!isRoot)("finds the processes of a namespace, as `ip netns pids` does", async () => {
    const ns = `nc-pidsin-${process.pid}`;
    execFileSync("ip", ["netns", "add", ns]);
    const child = spawn("ip", ["netns", "exec", ns, "sleep", "30"], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const viaIp = execFileSync("ip", ["netns", "pids", ns], { encoding: "utf8" })
        .split("\n")
        .filter(Boolean)
        .map(Number);
      expect(pidsIn(ns)).toEqual(viaIp);
      expect(pidsIn(ns)).toContain(child.pid);
    } finally {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      execFileSync("ip", ["netns", "delete", ns]);
    }
  });
});
