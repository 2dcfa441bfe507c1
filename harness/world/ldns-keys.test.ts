import { execFileSync } from "node:child_process";
import { createECDH, type JsonWebKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freshEcKey, ldnsDsLine, ldnsKeyLine, ldnsPrivateFile, newLdnsKey, zskTag } from "./ldns-keys.ts";
import { keyTag, type DnskeyRR } from "./dnskey.ts";

const haveLdns = (() => {
  try {
    execFileSync("sh", ["-c", "command -v ldns-keygen ldns-key2ds ldns-signzone ldns-verify-zone"], {
      stdio: "ignore",
    });
    return true;
  } catch {
    return false;
  }
})();

const dir = mkdtempSync(join(tmpdir(), "ldns-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveLdns)("ECDSA P-256 keys in ldns's key files", () => {
  it("writes the .key and .private files ldns-keygen writes for the same key", () => {
    for (const [owner, flag] of [
      ["example.test.", ["-k"]],
      [".", []],
    ] as const) {
      const base = execFileSync("ldns-keygen", ["-a", "ECDSAP256SHA256", ...flag, owner], { cwd: dir })
        .toString()
        .trim();
      const priv = readFileSync(join(dir, `${base}.private`), "utf8");
      const d = Buffer.from(/PrivateKey: (\S+)/.exec(priv)![1]!, "base64");
      const ecdh = createECDH("prime256v1");
      ecdh.setPrivateKey(d);
      const pub = ecdh.getPublicKey().subarray(1).toString("base64"); // without the 0x04 prefix
      const rr = { owner, rdata: [flag.length ? "257" : "256", "3", "13", pub] };
      expect(ldnsKeyLine(rr) + "\n").toBe(readFileSync(join(dir, `${base}.key`), "utf8"));
      expect(ldnsPrivateFile(d)).toBe(priv);
    }
  });

  it("gives the DS that ldns-key2ds gives", () => {
    for (const owner of ["example.test.", "."]) {
      const k = newLdnsKey(dir, owner, true);
      const ds = execFileSync("ldns-key2ds", ["-n", "-2", `${k.base}.key`], { cwd: dir }).toString();
      expect(`${ldnsDsLine(k.dnskey)}\n`).toBe(ds);
    }
  });

  it("makes keys ldns-signzone signs with, into a zone ldns-verify-zone accepts", () => {
    const zone = "signed.test";
    writeFileSync(
      join(dir, "z.zone"),
      [
        `$ORIGIN ${zone}.`,
        `${zone}. 300 IN SOA ns.${zone}. hostmaster.${zone}. 1 300 60 86400 60`,
        `${zone}. 300 IN NS ns.${zone}.`,
        `ns.${zone}. 300 IN A 192.0.2.1`,
        "",
      ].join("\n"),
    );
    const ksk = newLdnsKey(dir, `${zone}.`, true);
    const zsk = newLdnsKey(dir, `${zone}.`, false);
    expect(ksk.base).toMatch(/^Ksigned\.test\.\+013\+\d{5}$/);
    execFileSync("ldns-signzone", ["-o", `${zone}.`, "-f", "z.signed", "z.zone", zsk.base, ksk.base], { cwd: dir });
    const signed = readFileSync(join(dir, "z.signed"), "utf8");
    for (const k of [ksk, zsk]) expect(signed).toContain(k.dnskey.rdata[3]);
    const v = execFileSync("ldns-verify-zone", ["z.signed"], { cwd: dir, encoding: "utf8" });
    expect(v).toContain("Zone is verified and complete");
  });

  it("never pairs a KSK with a ZSK of its tag minus one: ldns-signzone would drop the KSK", () => {
    // Two keys whose tags as ZSKs are equal (found among a few hundred: the birthday bound).
    const owner = "clash.test.";
    const seen = new Map<number, { rr: DnskeyRR; d: Buffer; jwk: JsonWebKey }>();
    let pair: { rr: DnskeyRR; d: Buffer; jwk: JsonWebKey }[] | undefined;
    while (!pair) {
      const jwk = freshEcKey();
      const pub = Buffer.concat([Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
      const k = {
        rr: { owner, rdata: ["256", "3", "13", pub.toString("base64")] },
        d: Buffer.from(jwk.d!, "base64url"),
        jwk,
      };
      const other = seen.get(zskTag(k.rr));
      if (other) pair = [other, k];
      else seen.set(zskTag(k.rr), k);
    }
    const [kskKey, zskKey] = pair;
    const ksk = { ...kskKey!.rr, rdata: ["257", ...kskKey!.rr.rdata.slice(1)] };
    expect(keyTag(ksk)).toBe((keyTag(zskKey!.rr) + 1) & 0xffff);
    const base = (rr: DnskeyRR, d: Buffer) => {
      const b = `K${owner}+013+${String(keyTag(rr)).padStart(5, "0")}`;
      writeFileSync(join(dir, `${b}.key`), ldnsKeyLine(rr) + "\n");
      writeFileSync(join(dir, `${b}.private`), ldnsPrivateFile(d));
      return b;
    };
    writeFileSync(
      join(dir, "c.zone"),
      `$ORIGIN ${owner}\n${owner} 300 IN SOA ns. h. 1 300 60 86400 60\n${owner} 300 IN NS ns.test.\n`,
    );
    const args = ["-o", owner, "-f", "c.signed", "c.zone", base(zskKey!.rr, zskKey!.d), base(ksk, kskKey!.d)];
    execFileSync("ldns-signzone", args, { cwd: dir });
    // What ldns-signzone does with such a pair: the KSK's DNSKEY is not in the zone.
    expect(readFileSync(join(dir, "c.signed"), "utf8")).not.toContain(ksk.rdata[3]);

    // What newLdnsKey does instead: offered the clashing key for the ZSK, it makes another.
    const pairDir = mkdtempSync(join(dir, "pair-"));
    const kskMade = newLdnsKey(pairDir, owner, true, undefined, () => kskKey!.jwk);
    const offered = [zskKey!.jwk, freshEcKey()];
    const zskMade = newLdnsKey(pairDir, owner, false, kskMade, () => offered.shift()!);
    expect(offered).toEqual([]);
    expect(zskTag(zskMade.dnskey)).not.toBe(zskTag(kskMade.dnskey));
  });
});
