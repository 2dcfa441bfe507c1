import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dsDigest, keyTag } from "./dnskey.ts";

const haveLdns = (() => {
  try {
    execFileSync("sh", ["-c", "command -v ldns-keygen ldns-key2ds"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!haveLdns)("DNSKEY arithmetic", () => {
  it("gives the key tag and SHA-256 DS that ldns-key2ds gives", () => {
    const dir = mkdtempSync(join(tmpdir(), "dnskey-"));
    const base = execFileSync("ldns-keygen", ["-a", "ECDSAP256SHA256", "-k", "example.test"], { cwd: dir })
      .toString()
      .trim();
    const f = readFileSync(join(dir, `${base}.key`), "utf8")
      .split(";")[0]!
      .trim()
      .split(/\s+/);
    const rr = { owner: f[0]!, rdata: f.slice(f.indexOf("DNSKEY") + 1) };
    const ds = execFileSync("ldns-key2ds", ["-n", "-2", `${base}.key`], { cwd: dir })
      .toString()
      .trim()
      .split(/\s+/);
    expect(keyTag(rr)).toBe(Number(ds[4]));
    expect(dsDigest(rr)).toBe(ds[7]!.toUpperCase());
    rmSync(dir, { recursive: true });
  });
});
