import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { selfSignedCertificate } from "./pki.ts";
import { corrupt, tlsaFor, tlsaOwner, tlsaPresentation } from "./tlsa.ts";

const { certPem } = selfSignedCertificate({ commonName: "mx.example.test", dnsNames: ["mx.example.test"] });

/** The reference pipeline: openssl x509 -pubkey | openssl pkey -pubin -outform DER | sha256sum */
function opensslSpkiSha256(pem: string): string {
  const pub = execFileSync("openssl", ["x509", "-pubkey", "-noout"], { input: pem });
  const der = execFileSync("openssl", ["pkey", "-pubin", "-outform", "DER"], { input: pub });
  return createHash("sha256").update(der).digest("hex").toUpperCase();
}

function opensslCertDer(pem: string): Buffer {
  return execFileSync("openssl", ["x509", "-outform", "DER"], { input: pem });
}

describe("TLSA association data", () => {
  it("3 1 1 is the SHA-256 of the SubjectPublicKeyInfo, as openssl computes it", () => {
    expect(tlsaFor(certPem, { usage: 3, selector: 1, matching: 1 }).data).toBe(opensslSpkiSha256(certPem));
  });

  it("3 0 1 and 3 0 2 hash the whole DER certificate", () => {
    const der = opensslCertDer(certPem);
    expect(tlsaFor(certPem, { usage: 3, selector: 0, matching: 1 }).data).toBe(
      createHash("sha256").update(der).digest("hex").toUpperCase(),
    );
    expect(tlsaFor(certPem, { usage: 3, selector: 0, matching: 2 }).data).toBe(
      createHash("sha512").update(der).digest("hex").toUpperCase(),
    );
  });

  it("3 0 0 is the certificate itself", () => {
    expect(tlsaFor(certPem, { usage: 3, selector: 0, matching: 0 }).data).toBe(
      opensslCertDer(certPem).toString("hex").toUpperCase(),
    );
  });

  it("a wrong-digest fault keeps the length and changes the data", () => {
    const good = tlsaFor(certPem, { usage: 3, selector: 1, matching: 1 });
    const bad = tlsaFor(certPem, { usage: 3, selector: 1, matching: 1, fault: "wrong-digest" });
    expect(bad.data).toHaveLength(good.data.length);
    expect(bad.data).not.toBe(good.data);
    expect(corrupt(corrupt(good.data))).toBe(good.data);
  });

  it("a wrong-digest fault on exact data changes the key, not just the signature", () => {
    for (const selector of [0, 1]) {
      const good = tlsaFor(certPem, { usage: 2, selector, matching: 0 }).data;
      const bad = tlsaFor(certPem, { usage: 2, selector, matching: 0, fault: "wrong-digest" }).data;
      const spki = tlsaFor(certPem, { usage: 2, selector: 1, matching: 0 }).data;
      const start = good.indexOf(spki);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(bad.slice(start, start + spki.length)).not.toBe(spki);
      expect(bad.length).toBe(good.length);
    }
  });

  it("gives records with an undefined selector or matching type (unusable ones) arbitrary data", () => {
    const spki256 = tlsaFor(certPem, { usage: 3, selector: 1, matching: 1 }).data;
    expect(tlsaFor(certPem, { usage: 3, selector: 7, matching: 1 })).toMatchObject({ selector: 7, data: spki256 });
    expect(tlsaFor(certPem, { usage: 3, selector: 1, matching: 9 })).toMatchObject({ matching: 9, data: spki256 });
  });

  it("names the record _25._tcp.<host>", () => {
    const r = tlsaFor(certPem, { usage: 3, selector: 1, matching: 1 });
    expect(tlsaPresentation(tlsaOwner("mx.a.test"), r)).toMatch(
      /^_25\._tcp\.mx\.a\.test\. 300 IN TLSA 3 1 1 [0-9A-F]{64}$/,
    );
  });
});
