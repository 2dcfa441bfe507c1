import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOk } from "../os/exec.ts";
import { localCa } from "../world/pki.ts";
import { decryptMessage, encryptMessage, signMessage, verifySignedMessage } from "./cms.ts";
import { smimeUser, type SmimeUser } from "./user-certs.ts";

const dir = mkdtempSync(join(tmpdir(), "smime-cms-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

const ca = localCa("Lab");
let alice: SmimeUser; // RSA-2048, issued by the local CA (as in the NCCoE lab)
let bob: SmimeUser; // ECDSA P-256, self-signed (DANE-EE)
let carol: SmimeUser; // RSA-2048, self-signed
beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([
    smimeUser({ address: "alice@lab.test", ca }),
    smimeUser({ address: "bob@remote.test", keyType: "ecdsa-p256" }),
    smimeUser({ address: "carol@remote.test" }),
  ]);
});

const mail = (signer: SmimeUser, text = "Hello Bob,\nthe quarterly figures are attached.\n") =>
  signMessage({
    from: `Alice <${signer.address}>`,
    to: "bob@remote.test",
    subject: "Figures",
    text,
    messageId: "<figures-1@lab.test>",
    signer,
  });

describe("S/MIME signing (multipart/signed, detached CMS SignedData)", () => {
  it.each([
    ["RSA-2048 from the local CA", () => alice],
    ["ECDSA P-256 self-signed", () => bob],
  ])("signs and verifies: %s", async (_name, who) => {
    const signer = who();
    const msg = await mail(signer);
    expect(msg).toMatch(
      /Content-Type: multipart\/signed; protocol="application\/pkcs7-signature"; micalg=sha-256;\r\n boundary=/,
    );
    expect(msg).not.toMatch(/[^\r]\n/); // CRLF throughout
    const r = await verifySignedMessage(msg);
    expect(r).toMatchObject({ signatureValid: true, fromHeader: `Alice <${signer.address}>` });
    expect(r.signerCertPem?.replace(/\s+/g, "")).toBe(signer.certPem.replace(/\s+/g, ""));
    expect(r.signedContent).toContain("the quarterly figures");
  });

  it("encodes a non-ASCII display name and subject as RFC 2047 encoded-words", async () => {
    const msg = await signMessage({
      from: "J\u00f6ran <joran@lab.test>",
      to: "bob@remote.test",
      subject: "Gr\u00fc\u00dfe",
      text: "hi\n",
      messageId: "x@lab.test",
      signer: carol,
    });
    expect(msg).toContain("From: =?UTF-8?B?SsO2cmFu?= <joran@lab.test>\r\n");
    expect(msg).toContain("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\nMessage-ID: <x@lab.test>\r\n");
    expect(msg).toMatch(/^[\x00-\x7f]*$/);
  });

  it("verifies the message as IMAP may return it, with LF line ends", async () => {
    const msg = await mail(alice);
    expect((await verifySignedMessage(msg.replace(/\r\n/g, "\n"))).signatureValid).toBe(true);
  });

  it("keeps non-ASCII text, trailing blanks, 'From ' and '.' lines intact through quoted-printable", async () => {
    const msg = await mail(bob, "Grüße,\nFrom here.\n.\ntrailing blank \n");
    expect(msg).toContain("Content-Transfer-Encoding: quoted-printable");
    expect((await verifySignedMessage(msg)).signatureValid).toBe(true);
  });

  it("a body tampered in transit is invalid: the digest does not match", async () => {
    const msg = await mail(alice);
    const r = await verifySignedMessage(msg.replace("quarterly figures", "quarterly fgures"));
    expect(r.signatureValid).toBe(false);
    expect(r.reason).toMatch(/digest/i);
  });

  it("a signature made with another key than the named certificate's is invalid", async () => {
    const msg = await mail({ ...carol, certPem: alice.certPem, chainPems: alice.chainPems }); // carol's key, alice's cert
    const r = await verifySignedMessage(msg);
    expect(r).toMatchObject({ signatureValid: false, reason: "the signature does not verify" });
  });

  it("what is not multipart/signed is not valid, and says why", async () => {
    const r = await verifySignedMessage("From: a@b.test\r\nContent-Type: text/plain\r\n\r\nhi\r\n");
    expect(r).toMatchObject({ signatureValid: false, fromHeader: "a@b.test" });
    expect(r.reason).toMatch(/not a multipart\/signed/);
  });

  it("openssl cms -verify accepts the signature against the CA (an independent check of the format)", async () => {
    const r = await runOk([
      "openssl",
      "cms",
      "-verify",
      "-in",
      file("signed.eml", await mail(alice)),
      "-CAfile",
      file("root.pem", ca.root.certPem),
    ]);
    expect(r.stderr).toContain("Verification successful");
  });
});

describe("S/MIME encryption (application/pkcs7-mime, CMS EnvelopedData)", () => {
  it.each([
    ["an RSA recipient (RSA-OAEP key transport)", () => carol],
    ["an ECDSA P-256 recipient (ECDH key agreement)", () => bob],
  ])("encrypts a signed message to %s; pkijs and openssl cms -decrypt both decrypt it", async (_n, who) => {
    const recipient = who();
    const signed = await mail(alice);
    const enc = await encryptMessage(signed, recipient.certPem);
    expect(enc).toMatch(/^Date: .*\r\nFrom: Alice <alice@lab.test>\r\nTo: bob@remote.test\r\n/);
    expect(enc).toContain('Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"');
    expect(enc).not.toContain("quarterly");

    const inner = await decryptMessage(enc, recipient.keyPem, recipient.certPem);
    expect(inner).toMatch(/^Content-Type: multipart\/signed;/);
    expect(signed.endsWith(inner.slice(inner.indexOf("\r\n\r\n")))).toBe(true);
    expect((await verifySignedMessage(inner)).signatureValid).toBe(true);

    const argv = ["openssl", "cms", "-decrypt", "-in", file("enc.eml", enc)];
    const out = await runOk([
      ...argv,
      "-inkey",
      file("r.key", recipient.keyPem),
      "-recip",
      file("r.pem", recipient.certPem),
    ]);
    expect(out.stdout).toBe(inner);
  });

  it("decrypts for each of several recipients, and refuses a certificate it was not encrypted to", async () => {
    const enc = await encryptMessage(await mail(alice), [carol.certPem, bob.certPem]);
    expect(await decryptMessage(enc, bob.keyPem, bob.certPem)).toContain("multipart/signed");
    expect(await decryptMessage(enc, carol.keyPem, carol.certPem)).toContain("multipart/signed");
    await expect(decryptMessage(enc, alice.keyPem, alice.certPem)).rejects.toThrow(/not encrypted to this certificate/);
  });

  it("decrypts the LF form of the message too", async () => {
    const enc = await encryptMessage(await mail(alice), carol.certPem);
    expect(await decryptMessage(enc.replace(/\r\n/g, "\n"), carol.keyPem, carol.certPem)).toContain("multipart/signed");
  });
});
