// Signs small zones with the real OpenDNSSEC daemons and checks the result
// with ldnsutils. Needs root (mount namespaces) and the opendnssec package.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signZone, type SignResult } from "./signer.ts";

const hasOds = spawnSync("ods-enforcer", ["--version"]).status === 0;
const isRoot = process.getuid?.() === 0;

const zoneText = (zone: string) => `$ORIGIN ${zone}.
$TTL 300
@       IN SOA ns1 hostmaster (
                2024010101 ; serial
                3600 600 86400
                60 )       ; minimum
        IN NS  ns1
        IN MX  10 mail
        IN TXT "v=spf1 mx -all"
ns1     IN A   192.0.2.53
mail    IN A   192.0.2.25
_25._tcp.mail IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
`;

/** Live processes that hold a file, the cwd or a mount under `dir` (the daemons log into workDir). */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  const points = (l: string) => {
    try {
      return readlinkSync(l).startsWith(dir);
    } catch {
      return false;
    }
  };
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      if (/^[ZXx]$/.test(stat.charAt(stat.lastIndexOf(")") + 2))) continue; // zombies hold nothing
      const links = [`/proc/${d}/cwd`, ...readdirSync(`/proc/${d}/fd`).map((fd) => `/proc/${d}/fd/${fd}`)];
      if (links.some(points) || readFileSync(`/proc/${d}/mountinfo`, "utf8").includes(dir)) {
        found.push(`${d}: ${readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").join(" ")}`);
      }
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

const mountsOf = (pattern: string) =>
  readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((l) => l.includes(pattern));

/** Checks one result: RRSIGs, KSK-signed DNSKEY RRset, DS = ldns-key2ds, ldns-verify-zone. */
function verify(zone: string, r: SignResult, dir: string) {
  const text = readFileSync(r.signedZoneFile, "utf8");
  expect(r.signedZoneFile.startsWith(dir)).toBe(true);
  expect(text).toMatch(/\tRRSIG\tSOA 13 /);
  expect(text).toMatch(/\tRRSIG\tTLSA 13 /);
  expect(text).toMatch(/\tNSEC\t/);
  expect(text).not.toMatch(/\tNSEC3/);
  expect(r.dnskeys.length).toBe(2);
  expect(r.dnskeys.some((l) => /\tDNSKEY\t257 3 13 /.test(l))).toBe(true);
  expect(r.dnskeys.some((l) => /\tDNSKEY\t256 3 13 /.test(l))).toBe(true);
  // SOA serial kept, TTL and minimum taken from the unsigned zone.
  expect(text).toMatch(
    new RegExp(`^${zone.replace(/\./g, "\\.")}\\.\\t300\\tIN\\tSOA\\t\\S+ \\S+ 2024010101 3600 600 86400 60$`, "m"),
  );

  expect(r.ds.length).toBe(1);
  const [owner, ttl, cls, type, tag, alg, digestType, digest] = r.ds[0].split(/\s+/);
  expect([owner, ttl, cls, type, alg, digestType]).toEqual([`${zone}.`, "3600", "IN", "DS", "13", "2"]);
  expect(digest).toMatch(/^[0-9A-F]{64}$/);

  // Independent DS: ldns-key2ds on the KSK line.
  const ksk = r.dnskeys.find((l) => /\tDNSKEY\t257 /.test(l))!;
  const keyFile = join(dir, "ksk.key");
  writeFileSync(keyFile, `${ksk}\n`);
  const ldnsDs = execFileSync("ldns-key2ds", ["-n", "-2", keyFile], { encoding: "utf8" }).trim().split(/\s+/);
  expect(ldnsDs.slice(4, 7)).toEqual([tag, alg, digestType]);
  expect(ldnsDs[7].toUpperCase()).toBe(digest);

  // The KSK (DS key tag) signs the DNSKEY RRset.
  const dnskeySigners = [...text.matchAll(/\tRRSIG\tDNSKEY 13 \d+ \d+ \d+ \d+ (\d+) /g)].map((m) => m[1]);
  expect(dnskeySigners).toContain(tag);

  // ldns-verify-zone accepts the whole zone.
  const v = spawnSync("ldns-verify-zone", [r.signedZoneFile], { encoding: "utf8" });
  expect(v.stdout + v.stderr).toContain("Zone is verified and complete");
  expect(v.status).toBe(0);

  for (const l of r.logFiles) expect(l.startsWith(dir)).toBe(true);
  expect(readFileSync(r.logFiles[0], "utf8")).toContain("enforcer started");
  expect(r.seconds).toBeGreaterThan(0);
}

describe.skipIf(!isRoot || !hasOds)("opendnssec one-shot signer", () => {
  const dirs: string[] = [];
  const fresh = (zone: string) => {
    const base = mkdtempSync(join(tmpdir(), "ods-signer-test-"));
    dirs.push(base);
    const unsigned = join(base, `${zone}.zone`);
    writeFileSync(unsigned, zoneText(zone));
    return { base, unsigned, workDir: join(base, "work") };
  };
  afterAll(() => {
    if (process.env.KEEP_ODS_TEST_DIRS) return console.log(`kept: ${dirs.join(" ")}`);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("signs a zone, returns a matching DS and leaves no process or mount", async () => {
    const hostNs = readlinkSync("/proc/self/ns/mnt");
    const { base, unsigned, workDir } = fresh("remote.test");
    const r = await signZone({ zone: "remote.test.", unsignedZoneFile: unsigned, workDir });
    verify("remote.test", r, base);
    console.log(`signZone: ${r.seconds.toFixed(3)} s, ${r.ds[0]}`);
    expect(processesUsing(base)).toEqual([]);
    expect(mountsOf(workDir)).toEqual([]);
    expect(mountsOf("opendnssec")).toEqual([]);
    expect(readlinkSync("/proc/self/ns/mnt")).toBe(hostNs);
  });

  it("starts its daemons before the zone is written, and signs it once zoneReady says it is", async () => {
    const { base, unsigned, workDir } = fresh("late.test");
    rmSync(unsigned);
    let written!: () => void;
    const zoneReady = new Promise<void>((resolve) => (written = resolve));
    const signing = signZone({ zone: "late.test", unsignedZoneFile: unsigned, workDir, zoneReady });
    const enforcerSock = join(workDir, "run", "enforcer.sock");
    for (let i = 0; i < 500 && !existsSync(enforcerSock); i++) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(enforcerSock)).toBe(true);
    writeFileSync(unsigned, zoneText("late.test"));
    written();
    verify("late.test", await signing, base);
    expect(processesUsing(base)).toEqual([]);
  });

  it("runs several instances at once, each with its own keys", async () => {
    const zones = ["a.test", "b.test", "c.test"];
    const jobs = zones.map((z) => ({ z, ...fresh(z) }));
    // allSettled: never leave the test while an instance still runs.
    const settled = await Promise.allSettled(
      jobs.map((j) => signZone({ zone: j.z, unsignedZoneFile: j.unsigned, workDir: j.workDir })),
    );
    for (const j of jobs) expect(processesUsing(j.base)).toEqual([]);
    for (const j of jobs) expect(mountsOf(j.workDir)).toEqual([]);
    const results = settled.map((r) => {
      if (r.status === "rejected") throw r.reason;
      return r.value;
    });
    results.forEach((r, i) => verify(zones[i], r, jobs[i].base));
    expect(new Set(results.map((r) => r.ds[0].split(/\s+/).pop())).size).toBe(zones.length);
  });

  it("fails fast on a bad zone, with the signer's reason and log tail, and cleans up", async () => {
    const { base, unsigned, workDir } = fresh("broken.test");
    const zone = "$ORIGIN broken.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n@ IN NS ns1\n";
    writeFileSync(unsigned, `${zone}ns1 IN A not-an-address\n`);
    const t0 = Date.now();
    await expect(signZone({ zone: "broken.test", unsignedZoneFile: unsigned, workDir })).rejects.toThrow(
      /failed after [\d.]+ s: while waiting for the signed zone.*: ods-signerd: .*error parsing RR at line 5[\s\S]*ods-signerd\.log/,
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(processesUsing(base)).toEqual([]);
    expect(mountsOf(workDir)).toEqual([]);
  });

  it("times out at the deadline, with the log tail, and cleans up", async () => {
    const { base, unsigned, workDir } = fresh("slow.test");
    const t0 = Date.now();
    // 150 ms is too short to sign: the deadline must win and still tear everything down.
    await expect(signZone({ zone: "slow.test", unsignedZoneFile: unsigned, workDir, deadlineMs: 150 })).rejects.toThrow(
      /signZone\(slow\.test\) failed after [\d.]+ s: .*timed out[\s\S]*commands\.log/,
    );
    expect(Date.now() - t0).toBeLessThan(6_000);
    expect(processesUsing(base)).toEqual([]);
    expect(mountsOf(workDir)).toEqual([]);
  });
});
