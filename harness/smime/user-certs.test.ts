import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run, runOk } from "../os/exec.ts";
import { localCa } from "../world/pki.ts";
import { smimeUser } from "./user-certs.ts";

const dir = mkdtempSync(join(tmpdir(), "smime-user-certs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ca = localCa("Lab");

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** openssl's own chain check for S/MIME signing (key usage, EKU emailProtection, chain). */
async function opensslVerify(certPem: string, trusted: string[], untrusted: string[] = []) {
  const argv = ["openssl", "verify", "-purpose", "smimesign", "-CAfile", file("trusted.pem", trusted.join(""))];
  if (untrusted.length) argv.push("-untrusted", file("untrusted.pem", untrusted.join("")));
  return run([...argv, file("leaf.pem", certPem)]);
}

async function text(certPem: string): Promise<string> {
  return (await runOk(["openssl", "x509", "-noout", "-text", "-in", file("show.pem", certPem)])).stdout;
}

describe("S/MIME user certificates", () => {
  it("RSA-2048 issued by the local CA: a valid S/MIME signing chain, with the address and emailProtection", async () => {
    const u = await smimeUser({ address: "alice@lab.test", ca });
    expect(u.keyType).toBe("rsa-2048");
    expect(u.chainPems).toEqual([ca.intermediate.certPem, ca.root.certPem]);
    expect(u.issuerCertPem).toBe(ca.intermediate.certPem);
    const r = await opensslVerify(u.certPem, [ca.root.certPem], [ca.intermediate.certPem]);
    expect(r.stdout + r.stderr).toContain(": OK");
    const t = await text(u.certPem);
    expect(t).toContain("email:alice@lab.test");
    expect(t).toContain("E-mail Protection");
    expect(t).toContain("Public-Key: (2048 bit)");
    expect(t).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation, Key Encipherment/);
  });

  it("copies the CA's subject into the issuer field exactly (same string types)", async () => {
    const u = await smimeUser({ address: "alice@lab.test", ca });
    const name = async (pem: string, which: string) =>
      (
        await runOk(["openssl", "x509", "-noout", which, "-nameopt", "RFC2253,show_type", "-in", file("n.pem", pem)])
      ).stdout
        .replace(/^\w+=/, "")
        .trim();
    expect(await name(u.certPem, "-issuer")).toBe(await name(ca.intermediate.certPem, "-subject"));
    expect(new X509Certificate(u.certPem).checkIssued(new X509Certificate(ca.intermediate.certPem))).toBe(true);
  });

  it("ECDSA P-256 self-signed: valid on its own as a trust anchor, with key agreement for encryption", async () => {
    const u = await smimeUser({ address: "bob@remote.test", keyType: "ecdsa-p256" });
    expect(u.chainPems).toEqual([]);
    expect(u.issuerCertPem).toBe(u.certPem);
    const r = await opensslVerify(u.certPem, [u.certPem]);
    expect(r.stdout + r.stderr).toContain(": OK");
    const t = await text(u.certPem);
    expect(t).toContain("ASN1 OID: prime256v1");
    expect(t).toContain("email:bob@remote.test");
    expect(t).toMatch(/Digital Signature, Non Repudiation, Key Agreement/);
  });

  it("an ECDSA user issued by the RSA local CA chains too", async () => {
    const u = await smimeUser({ address: "carol@lab.test", keyType: "ecdsa-p256", ca });
    const r = await opensslVerify(u.certPem, [ca.root.certPem], [ca.intermediate.certPem]);
    expect(r.stdout + r.stderr).toContain(": OK");
  });

  it("refuses an address that an rfc822Name cannot carry", async () => {
    await expect(smimeUser({ address: "j\u00f6ran@lab.test" })).rejects.toThrow(/rfc822Name/);
    await expect(smimeUser({ address: "lab.test" })).rejects.toThrow(/not an address/);
  });
});
