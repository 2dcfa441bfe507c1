import { execFileSync } from "node:child_process";
import { createECDH } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ldnsDsLine, ldnsKeyLine, ldnsPrivateFile, newLdnsKey } from "./ldns-keys.ts";

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
});
