// The BIND signer on real named (needs root for unshare, and bind9 + bind9-utils), the
// fully-signed check on fixed text, and the DS -> trust-anchors conversion of the resolver role.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fullySigned, keyTag, parseRRs, signingGaps } from "./signed-zone.ts";
import { signZone } from "./signer.ts";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const hasNamed = spawnSync("named", ["-v"]).status === 0;
const hasLdns = spawnSync("ldns-verify-zone", ["-v"]).status === 0;
const isRoot = process.getuid?.() === 0;
const tmp = mkdtempSync(join(tmpdir(), "bind-signer-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const zoneText = (zone: string) => `$ORIGIN ${zone}.
$TTL 300
@       300 IN SOA ns1 hostmaster 2024010101 3600 600 86400 60
        IN NS  ns1
        IN MX  10 mail
        IN TXT "v=spf1 mx -all"
ns1     IN A   192.0.2.53
mail    IN A   192.0.2.25
_25._tcp.mail IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
sub     IN NS  ns.sub
ns.sub  IN A   192.0.2.54
`;

function namedPids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, "utf8").includes(tmp);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("signingGaps / fullySigned", () => {
  const unsigned = "a.test. 300 IN SOA ns.a.test. h.a.test. 1 2 3 4 5\na.test. 300 IN NS ns.a.test.\n";
  it("reports an unsigned zone", () => {
    const gaps = signingGaps("a.test", parseRRs(unsigned));
    expect(gaps).toContain("no RRSIG for a.test. SOA");
    expect(gaps).toContain("no NSEC at a.test.");
    expect(gaps).toContain("no KSK (flags 257) signs the DNSKEY RRset");
    expect(fullySigned("a.test", unsigned)).toBeUndefined();
  });
  it("computes RFC 4034 key tags", () => {
    // The root KSK-2017 (key tag 20326).
    const ksk2017 =
      ". 172800 IN DNSKEY 257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3 +/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kv ArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF 0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+e oZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfd RUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwN R1AkUTV74bU=";
    expect(keyTag(parseRRs(ksk2017)[0]!)).toBe(20326);
  });
});

describe("ds-to-trust-anchors.awk", () => {
  it("turns zone-format DS lines into static-ds entries, joining split digests", () => {
    const ds = join(tmp, "ta.ds");
    writeFileSync(ds, ".\t3600\tIN\tDS\t15438 13 2 5c33ab\n; comment\n. IN DS 1 13 2 AABB CCDD\n");
    const out = join(tmp, "trust-anchors.conf");
    execFileSync("awk", ["-v", `out=${out}`, "-f", join(HERE, "ds-to-trust-anchors.awk"), ds]);
    const text = readFileSync(out, "utf8");
    expect(text).toContain('"." static-ds 15438 13 2 "5C33AB";');
    expect(text).toContain('"." static-ds 1 13 2 "AABBCCDD";');
    const empty = join(tmp, "empty.ds");
    writeFileSync(empty, "; nothing\n");
    const r = spawnSync("awk", [
      "-v",
      `out=${join(tmp, "none.conf")}`,
      "-f",
      join(HERE, "ds-to-trust-anchors.awk"),
      empty,
    ]);
    expect(r.status).not.toBe(0);
  });
});

describe.skipIf(!hasNamed || !isRoot)("signZone (real named)", () => {
  it("signs two zones at once with a KSK + ZSK, returns the KSK's DS, leaves no named", async () => {
    const zones = ["alpha.test", "beta.test"];
    const results = await Promise.all(
      zones.map(async (zone) => {
        const dir = join(tmp, zone);
        execFileSync("mkdir", ["-p", join(dir, "work")]);
        const unsigned = join(dir, `${zone}.zone`);
        writeFileSync(unsigned, zoneText(zone));
        return { zone, r: await signZone({ zone, unsignedZoneFile: unsigned, workDir: join(dir, "work") }) };
      }),
    );
    for (const { zone, r } of results) {
      const text = readFileSync(r.signedZoneFile, "utf8");
      const rrs = parseRRs(text);
      expect(signingGaps(zone, rrs)).toEqual([]);
      const keys = rrs.filter((x) => x.type === "DNSKEY");
      expect(keys.map((k) => k.rdata[0]).sort()).toEqual(["256", "257"]); // a KSK and a ZSK
      expect(keys.every((k) => k.rdata[2] === "13")).toBe(true);
      expect(r.ds).toHaveLength(1);
      const ksk = keys.find((k) => k.rdata[0] === "257")!;
      expect(r.ds[0]).toMatch(new RegExp(`^${zone}\\. 3600 IN DS ${keyTag(ksk)} 13 2 [0-9A-F]{64}$`));
      // Delegation NS and glue stay unsigned; the TLSA is signed.
      expect(rrs.some((x) => x.type === "RRSIG" && x.owner === `sub.${zone}.` && x.rdata[0] === "NS")).toBe(false);
      expect(rrs.some((x) => x.type === "RRSIG" && x.owner === `_25._tcp.mail.${zone}.`)).toBe(true);
      expect(r.seconds).toBeLessThan(10);
      if (hasLdns) {
        const v = spawnSync("ldns-verify-zone", [r.signedZoneFile], { encoding: "utf8" });
        expect(v.stdout + v.stderr).toContain("Zone is verified and complete");
        const keyFile = join(tmp, `${zone}.ksk.key`);
        writeFileSync(keyFile, ksk.line + "\n");
        const ds = execFileSync("ldns-key2ds", ["-n", "-2", keyFile], { encoding: "utf8" });
        expect(ds.trim().split(/\s+/).slice(-1)[0]!.toUpperCase()).toBe(r.ds[0]!.split(" ").slice(-1)[0]);
      }
    }
    expect(namedPids()).toEqual([]);
  });

  it("fails with named's log and leaves no named when the zone does not load", async () => {
    const dir = join(tmp, "broken");
    execFileSync("mkdir", ["-p", join(dir, "work")]);
    const unsigned = join(dir, "broken.zone");
    writeFileSync(unsigned, "$ORIGIN broken.test.\nthis is not a zone\n");
    await expect(
      signZone({ zone: "broken.test", unsignedZoneFile: unsigned, workDir: join(dir, "work"), deadlineMs: 5000 }),
    ).rejects.toThrow(/bind signZone\(broken\.test\.\) failed/);
    expect(namedPids()).toEqual([]);
  });
});
