import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLED, bundlePath, ensureBundles, freshBundle, type BundleName } from "./bundle.ts";

const repoRoot = join(import.meta.dirname, "..", "..");

describe("bundled programs", () => {
  it("are made, current afterwards, and run with plain node", async () => {
    await ensureBundles(repoRoot);
    for (const name of Object.keys(BUNDLED) as BundleName[])
      expect(freshBundle(repoRoot, name)).toBe(bundlePath(repoRoot, name));
    // The attacker's proxy without its config: its own usage message, from the bundle.
    const r = spawnSync("node", [bundlePath(repoRoot, "attacker")], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("usage: proxy-main <config.json>");
    // The agent's dependencies are inside: it loads without tsx and without node_modules lookups
    // failing (it exits at once without a socket path).
    const a = spawnSync("node", [bundlePath(repoRoot, "agent")], { encoding: "utf8" });
    expect(a.stderr).toContain("usage: agent.ts <socket path>");
  }, 60_000);
});
