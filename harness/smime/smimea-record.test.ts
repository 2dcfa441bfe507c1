import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { localCa } from "../world/pki.ts";
import { decode, encode, type SmimeaAnswer } from "./dns-packet-smimea.ts";
import {
  smimeaFor,
  smimeaMatches,
  smimeaPacketData,
  smimeaPresentation,
  smimeaSourceCert,
  smimeaZoneLines,
} from "./smimea-record.ts";
import { smimeUser, type SmimeUser } from "./user-certs.ts";

const ca = localCa("Remote");
let selfSigned: SmimeUser;
let issued: SmimeUser;
beforeAll(async () => {
  selfSigned = await smimeUser({ address: "hugh@example.com" });
  issued = await smimeUser({ address: "alice@example.com", ca, keyType: "ecdsa-p256" });
});

const der = (pem: string) => execFileSync("openssl", ["x509", "-outform", "DER"], { input: pem });
const spkiDer = (pem: string) =>
  execFileSync("openssl", ["pkey", "-pubin", "-outform", "DER"], {
    input: execFileSync("openssl", ["x509", "-pubkey", "-noout"], { input: pem }),
  });
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex").toUpperCase();

describe("SMIMEA records", () => {
  it("3 1 1 is the SHA-256 of the user's SubjectPublicKeyInfo, at the user's owner name", () => {
    expect(smimeaZoneLines(selfSigned, [{ usage: 3, selector: 1, matching: 1 }])).toEqual([
      `c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._smimecert.example.com. 300 IN SMIMEA 3 1 1 ${sha256(spkiDer(selfSigned.certPem))}`,
    ]);
  });

  it("usages 0 and 2 are made from the CA's root by default, 1 and 3 from the user's certificate", () => {
    expect(smimeaSourceCert(issued, { usage: 2 })).toBe(ca.root.certPem);
    expect(smimeaSourceCert(issued, { usage: 0, of: "intermediate" })).toBe(ca.intermediate.certPem);
    expect(smimeaSourceCert(issued, { usage: 1 })).toBe(issued.certPem);
    expect(smimeaFor(issued, { usage: 2, selector: 0, matching: 1 }).data).toBe(sha256(der(ca.root.certPem)));
    expect(smimeaFor(issued, { usage: 1, selector: 0, matching: 0 }).data).toBe(
      der(issued.certPem).toString("hex").toUpperCase(),
    );
    // a self-signed user is its own trust anchor, and has no intermediate
    expect(smimeaSourceCert(selfSigned, { usage: 2 })).toBe(selfSigned.certPem);
    expect(() => smimeaSourceCert(selfSigned, { usage: 2, of: "intermediate" })).toThrow(/no intermediate/);
  });

  it("matches the certificate it was made from, for every selector and matching type, and no other", () => {
    for (const selector of [0, 1])
      for (const matching of [0, 1, 2]) {
        const r = smimeaFor(issued, { usage: 3, selector, matching });
        expect(smimeaMatches(r, issued.certPem)).toBe(true);
        expect(smimeaMatches(r, selfSigned.certPem)).toBe(false);
        expect(smimeaMatches({ ...r, matching: 9 }, issued.certPem)).toBe(false);
        const wrong = smimeaFor(issued, { usage: 3, selector, matching, fault: "wrong-digest" });
        expect(smimeaMatches(wrong, issued.certPem)).toBe(false);
      }
  });

  it("survives the wire: dns-packet RDATA decodes to a record that still matches", () => {
    const owner = "x._smimecert.example.com";
    const r = smimeaFor(selfSigned, { usage: 3, selector: 0, matching: 2 });
    const wire = encode({
      type: "response",
      answers: [{ type: "SMIMEA", name: owner, ttl: 300, class: "IN", data: smimeaPacketData(r) }],
    });
    const back = decode(wire).answers![0] as SmimeaAnswer;
    expect(back.type).toBe("SMIMEA");
    expect(smimeaMatches(back.data, selfSigned.certPem)).toBe(true);
  });

  const zoneTools = ["/usr/bin/ldns-read-zone", "/usr/bin/named-checkzone"].filter((p) => existsSync(p));
  it.skipIf(zoneTools.length === 0)("the presentation line is read by ldns and BIND's zone parsers", () => {
    const dir = mkdtempSync(join(tmpdir(), "smimea-zone-"));
    try {
      const line = smimeaPresentation(
        "c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._smimecert.example.com",
        smimeaFor(selfSigned, { usage: 3, selector: 1, matching: 1 }),
      );
      const zone = join(dir, "example.com.zone");
      writeFileSync(
        zone,
        [
          "$ORIGIN example.com.",
          "@ 300 IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300",
          "@ 300 IN NS ns.example.com.",
          "ns 300 IN A 192.0.2.1",
          line,
          "",
        ].join("\n"),
      );
      if (zoneTools.includes("/usr/bin/ldns-read-zone")) {
        const out = execFileSync("ldns-read-zone", [zone]).toString();
        expect(out).toMatch(/_smimecert\.example\.com\.\s+300\s+IN\s+SMIMEA\s+3 1 1 [0-9a-f]{64}/i);
      }
      if (zoneTools.includes("/usr/bin/named-checkzone"))
        expect(execFileSync("named-checkzone", ["example.com", zone]).toString()).toContain("OK");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
