import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { localCa, type LocalCa } from "../world/pki.ts";
import { bindSigner, type SmimeaAnswer } from "./binding.ts";
import { smimeaFor, smimeaPacketData } from "./smimea-record.ts";
import { smimeUser, type SmimeUser } from "./user-certs.ts";

let ca: LocalCa;
let alice: SmimeUser;
let aliceOther: SmimeUser;
let selfSigned: SmimeUser;
const roots = () => [ca.root.certPem];
const rec = (u: SmimeUser, usage: number, selector: number, matching: number) =>
  smimeaPacketData(smimeaFor(u, { usage, selector, matching }));
const secure = (...records: SmimeaAnswer["records"]): SmimeaAnswer => ({ rcode: "NOERROR", ad: true, records });

beforeAll(async () => {
  ca = localCa("Test Local");
  alice = await smimeUser({ address: "alice@lab.test", ca });
  aliceOther = await smimeUser({ address: "alice@lab.test", ca });
  selfSigned = await smimeUser({ address: "carol@lab.test", keyType: "ecdsa-p256" });
});

describe("bindSigner (RFC 8162 §6)", () => {
  it("binds a signer whose secure SMIMEA 3 1 1 matches, and hands that certificate to the verifiers", () => {
    const b = bindSigner(secure(rec(alice, 3, 1, 1)), alice.certPem, alice.chainPems, roots(), "alice@lab.test");
    expect(b.trust).toBe("dane");
    expect(b.anchorPem).toContain("BEGIN CERTIFICATE");
  });

  it("binds through the issuing CA for usage 2", () => {
    const b = bindSigner(secure(rec(alice, 2, 0, 1)), alice.certPem, alice.chainPems, [], "alice@lab.test");
    expect(b.trust).toBe("dane");
    expect(b.reason).toMatch(/issuing CA/);
  });

  it("does not fall back to the CA when secure records exist and none matches", () => {
    const b = bindSigner(secure(rec(aliceOther, 3, 1, 1)), alice.certPem, alice.chainPems, roots(), "alice@lab.test");
    expect(b.trust).toBe("none");
  });

  it("treats a failed lookup as a failure, never as 'no record'", () => {
    const b = bindSigner(
      { rcode: "SERVFAIL", ad: false, records: [] },
      alice.certPem,
      alice.chainPems,
      roots(),
      "alice@lab.test",
    );
    expect(b.trust).toBe("none");
    expect(b.reason).toMatch(/SERVFAIL/);
  });

  it("ignores insecure records and falls back to PKIX", () => {
    const insecure = { rcode: "NOERROR", ad: false, records: [rec(alice, 3, 1, 1)] };
    expect(bindSigner(insecure, alice.certPem, alice.chainPems, roots(), "alice@lab.test").trust).toBe("ca");
    expect(bindSigner(insecure, alice.certPem, alice.chainPems, [], "alice@lab.test").trust).toBe("none");
  });

  it("falls back to PKIX on a secure denial, and checks the address", () => {
    const none = { rcode: "NXDOMAIN", ad: true, records: [] };
    expect(bindSigner(none, alice.certPem, alice.chainPems, roots(), "alice@lab.test").trust).toBe("ca");
    const b = bindSigner(none, alice.certPem, alice.chainPems, roots(), "mallory@lab.test");
    expect(b.trust).toBe("none");
    expect(b.reason).toMatch(/does not name/);
  });

  it("trusts a self-signed ECDSA signer only through DANE-EE", () => {
    expect(bindSigner(secure(rec(selfSigned, 3, 0, 0)), selfSigned.certPem, [], roots(), "carol@lab.test").trust).toBe(
      "dane",
    );
    expect(bindSigner(secure(), selfSigned.certPem, [], roots(), "carol@lab.test").trust).toBe("none");
  });

  it("gives the verifiers the published certificate when it binds someone else", () => {
    const b = bindSigner(secure(rec(selfSigned, 3, 0, 0)), alice.certPem, alice.chainPems, roots(), "carol@lab.test");
    expect(b.trust).toBe("none");
    expect(b.anchorPem).toBe(new X509Certificate(selfSigned.certPem).toString());
  });
});
