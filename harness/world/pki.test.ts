import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { certSerial, newRsaKeyPem, selfSignedCertificate } from "./pki.ts";

describe("certificate serial numbers", () => {
  it("are 16 octets whose first is 0x40-0x7f (positive, minimal DER)", () => {
    for (let i = 0; i < 2000; i++) {
      const s = certSerial();
      expect(s).toMatch(/^[4-7][0-9a-f]{31}$/);
    }
  });

  it("come out of a certificate as they went in", () => {
    const cert = selfSignedCertificate({ commonName: "mx.example.test" }, newRsaKeyPem());
    expect(new X509Certificate(cert.certPem).serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
  });
});
