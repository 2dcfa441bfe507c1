// Signs small zones with a real knotd and checks the result with ldnsutils.
// Needs root (network namespaces), the knot package and ldnsutils.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signZone, type SignResult } from "./signer.ts";

const hasKnot = spawnSync("knotd", ["--version"]).status === 0 && spawnSync("ldns-signzone", ["-v"]).status === 0;
const isRoot = process.getuid?.() === 0;

const zoneText = (zone: string) => `$ORIGIN ${zone}.
$TTL 300
@       IN SOA ns1 hostmaster ( 2024010101 3600 600 86400 60 )
        IN NS  ns1
        IN MX  10 mail
ns1     IN A   192.0.2.53
mail    IN A   192.0.2.25
_25._tcp.mail IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
`;

/** PIDs of live knotd processes whose command line names a file under `dir`. */
function knotdUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8");
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      if (cmd.includes(dir) && !/^[ZXx]$/.test(stat.charAt(stat.lastIndexOf(")") + 2))) pids.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

function verify(zone: string, r: SignResult, dir: string) {
  const text = readFileSync(r.signedZoneFile, "utf8");
  expect(r.signedZoneFile.startsWith(dir)).toBe(true);
  expect(text).toMatch(/\tRRSIG\tSOA 13 /);
  expect(text).toMatch(/\tRRSIG\tTLSA 13 /);
  expect(text).toMatch(/\tNSEC\t/);
  // Record types as whole fields: base64 key and signature data may contain "CDS" by chance.
  expect(text).not.toMatch(/\t(NSEC3|NSEC3PARAM|CDS|CDNSKEY)\t/);
  expect(text).toMatch(/\tSOA\t\S+ \S+ 2024010101 3600 600 86400 60/); // serial kept
  expect(r.dnskeys.filter((l) => /\tDNSKEY\t257 3 13 /.test(l)).length).toBe(1);
  expect(r.dnskeys.filter((l) => /\tDNSKEY\t256 3 13 /.test(l)).length).toBe(1);

  expect(r.ds.length).toBe(1);
  const [owner, ttl, cls, type, tag, alg, digestType, digest] = r.ds[0].split(/\s+/);
  expect([owner, ttl, cls, type, alg, digestType]).toEqual([`${zone}.`, "3600", "IN", "DS", "13", "2"]);
  // Independent DS: ldns-key2ds on the KSK.
  const keyFile = join(dir, "ksk.key");
  writeFileSync(keyFile, `${r.dnskeys.find((l) => /\tDNSKEY\t257 /.test(l))}\n`);
  const ldnsDs = execFileSync("ldns-key2ds", ["-n", "-2", keyFile], { encoding: "utf8" }).trim().split(/\s+/);
  expect([ldnsDs[4], ldnsDs[5], ldnsDs[6], ldnsDs[7].toUpperCase()]).toEqual([tag, alg, digestType, digest]);
  // The KSK signs the DNSKEY RRset, and ldns accepts the whole zone.
  expect(text).toMatch(new RegExp(`\\tRRSIG\\tDNSKEY 13 \\d+ \\d+ \\d+ \\d+ ${tag} `));
  const v = spawnSync("ldns-verify-zone", [r.signedZoneFile], { encoding: "utf8" });
  expect(v.stdout + v.stderr).toContain("Zone is verified and complete");
  expect(readFileSync(r.logFiles[0], "utf8")).toContain("DNSSEC, successfully signed");
  expect(r.seconds).toBeGreaterThan(0);
}

describe.skipIf(!isRoot || !hasKnot)("knot one-shot signer", () => {
  const dirs: string[] = [];
  const fresh = (zone: string) => {
    const base = mkdtempSync(join(tmpdir(), "knot-signer-test-"));
    dirs.push(base);
    const unsigned = join(base, `${zone}.zone`);
    writeFileSync(unsigned, zoneText(zone));
    return { base, unsigned, workDir: join(base, "work") };
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("signs a zone, returns a matching DS and leaves no knotd", async () => {
    const { base, unsigned, workDir } = fresh("remote.test");
    const r = await signZone({ zone: "remote.test.", unsignedZoneFile: unsigned, workDir });
    verify("remote.test", r, base);
    console.log(`signZone: ${r.seconds.toFixed(3)} s, ${r.ds[0]}`);
    expect(knotdUsing(base)).toEqual([]);
    expect(readFileSync(unsigned, "utf8")).toBe(zoneText("remote.test")); // input untouched
  });

  it("runs several instances at once, each with its own keys", async () => {
    const zones = ["a.test", "b.test", "c.test"];
    const jobs = zones.map((z) => ({ z, ...fresh(z) }));
    const settled = await Promise.allSettled(
      jobs.map((j) => signZone({ zone: j.z, unsignedZoneFile: j.unsigned, workDir: j.workDir })),
    );
    for (const j of jobs) expect(knotdUsing(j.base)).toEqual([]);
    const results = settled.map((s) => {
      if (s.status === "rejected") throw s.reason;
      return s.value;
    });
    results.forEach((r, i) => verify(zones[i], r, jobs[i].base));
    expect(new Set(results.map((r) => r.ds[0].split(/\s+/).pop())).size).toBe(zones.length);
  });

  it("fails fast on a broken zone, with the log tail, and cleans up", async () => {
    const { base, unsigned, workDir } = fresh("broken.test");
    writeFileSync(
      unsigned,
      "$ORIGIN broken.test.\n$TTL 300\n@ IN SOA ns1 h 1 3600 600 86400 60\n@ IN NS ns1\nns1 IN A nope\n",
    );
    const t0 = Date.now();
    await expect(signZone({ zone: "broken.test", unsignedZoneFile: unsigned, workDir })).rejects.toThrow(
      /zone loader[\s\S]*knotd\.log/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(knotdUsing(base)).toEqual([]);
    expect(existsSync(join(workDir, "knot.conf"))).toBe(true);
  });
});
