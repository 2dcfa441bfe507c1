// The PowerDNS signer: the pure zone-text helpers, then real signing (pdnsutil + a throw-away
// pdns_server) checked independently with ldnsutils. The real part needs root, pdns and ldnsutils.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dsRdataOf, fullySigned, keyTag, parseRRs, sha256DsLines } from "./signed-zone.ts";
import { signZone } from "./signer.ts";

// A KSK made by pdnsutil, with the key tag and SHA-256 DS that `pdnsutil export-zone-ds` printed for it.
const PDNS_KSK =
  "ex.test. 300 IN DNSKEY 257 3 13 YaE44LU7ZmIUM+17W/5010BVCvPqDs8anFW/C4z5q2jp1c2O/byydXWvKkUwPZM6/c5Pz9LpFp+IARC061ZBVw==";
const PDNS_DS = "60534 13 2 2D9923D87E86A3ACCBF7C9A486FE7547209E7F6BC70D3F354A89B386A9E26A0F";

describe("signed-zone helpers", () => {
  it("computes the key tag and the SHA-256 DS of a DNSKEY as pdnsutil does", () => {
    const ksk = parseRRs(PDNS_KSK)[0]!;
    expect(keyTag(ksk)).toBe(60534);
    expect(dsRdataOf(ksk)).toBe(PDNS_DS);
  });

  it("takes only the SHA-256 lines of pdnsutil export-zone-ds, with a TTL", () => {
    const out =
      "ex.test. IN DS 60534 13 2 2d99aa ; ( SHA256 digest )\nex.test. IN DS 60534 13 4 99b5 ; ( SHA-384 digest )\n";
    expect(sha256DsLines(out, "ex.test.", 3600)).toEqual(["ex.test. 3600 IN DS 60534 13 2 2D99AA"]);
  });

  it("refuses a transfer without a signed SOA or a KSK-signed DNSKEY RRset", () => {
    expect(fullySigned("ex.test.", "ex.test. 300 IN SOA a. b. 1 2 3 4 5\n")).toBeUndefined();
    expect(fullySigned("ex.test.", "; Transfer failed.\n")).toBeUndefined();
  });
});

const hasTools = ["pdnsutil", "pdns_server", "ldns-verify-zone"].every(
  (t) => spawnSync("sh", ["-c", 'command -v "$0"', t]).status === 0,
);
const isRoot = process.getuid?.() === 0;

const zoneText = (zone: string, broken = false) => `$ORIGIN ${zone}.
$TTL 300
@       IN SOA ns1 hostmaster ( 2024010101 3600 600 86400 60 )
        IN NS  ns1
        IN MX  10 mail
ns1     IN A   192.0.2.53
mail    IN A   ${broken ? "not-an-address" : "192.0.2.25"}
_25._tcp.mail IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
`;

/** Live pdns processes whose command line names `dir`. */
function pdnsUsing(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8").replace(/\0/g, " ");
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      if (/pdns/.test(cmd) && cmd.includes(dir) && !/^[ZXx]$/.test(stat.charAt(stat.lastIndexOf(")") + 2)))
        out.push(`${d} ${cmd}`);
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

describe.skipIf(!hasTools || !isRoot)("powerdns signZone (real pdns_server)", () => {
  const base = mkdtempSync(join(tmpdir(), "pdns-signer-test-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("signs with an ECDSA P-256 KSK and ZSK (NSEC) and returns the KSK's SHA-256 DS", async () => {
    const dir = join(base, "ok");
    execFileSync("mkdir", ["-p", dir]);
    writeFileSync(join(base, "ex.test.zone"), zoneText("ex.test"));
    const r = await signZone({ zone: "ex.test", unsignedZoneFile: join(base, "ex.test.zone"), workDir: dir });
    const text = readFileSync(r.signedZoneFile, "utf8");
    expect(text).toMatch(/\tRRSIG\tTLSA 13 /);
    expect(text).toMatch(/\tNSEC\t/);
    expect(text).not.toMatch(/NSEC3/);
    expect(text).toMatch(/\tSOA\t\S+ \S+ 2024010101 3600 600 86400 60/);
    expect(r.dnskeys.map((l) => l.split("\t")[4]!.split(" ").slice(0, 3).join(" ")).sort()).toEqual([
      "256 3 13",
      "257 3 13",
    ]);
    expect(r.ds).toHaveLength(1);
    // Independent checks: ldns-key2ds gives the same DS, ldns-verify-zone accepts the zone.
    const ksk = parseRRs(r.dnskeys.join("\n")).find((k) => k.rdata[0] === "257")!;
    writeFileSync(join(dir, "ksk.key"), `${ksk.line}\n`);
    const ldns = execFileSync("ldns-key2ds", ["-n", "-2", join(dir, "ksk.key")], { encoding: "utf8" });
    expect(r.ds[0]!.split(/\s+/).slice(4).join(" ")).toBe(dsRdataOf(ksk));
    expect(ldns.trim().split(/\s+/).slice(4).join(" ").toUpperCase()).toBe(dsRdataOf(ksk));
    const v = spawnSync("ldns-verify-zone", [r.signedZoneFile], { encoding: "utf8" });
    expect(v.stdout + v.stderr).toContain("Zone is verified and complete");
    expect(pdnsUsing(dir)).toEqual([]);
  });

  it("fails fast on a zone pdns cannot load, leaving no process", async () => {
    const dir = join(base, "broken");
    execFileSync("mkdir", ["-p", dir]);
    writeFileSync(join(base, "bad.test.zone"), zoneText("bad.test", true));
    const t0 = Date.now();
    await expect(
      signZone({ zone: "bad.test", unsignedZoneFile: join(base, "bad.test.zone"), workDir: dir }),
    ).rejects.toThrow(/powerdns signZone\(bad\.test\.\) failed/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(pdnsUsing(dir)).toEqual([]);
  });
});
