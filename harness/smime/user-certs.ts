// S/MIME user certificates: the user's address as an rfc822Name subjectAltName and the
// emailProtection extended key usage (RFC 8550 §4.4), RSA-2048 as the NCCoE lab used,
// or ECDSA P-256 as an extra. Either self-signed (for DANE-EE, SMIMEA usage 3) or issued by a
// local CA from harness/world/pki.ts (for usages 0-2).
//
// harness/world/pki.ts builds TLS server certificates with node-forge, which is RSA-only, so the
// user certificates here are built with @peculiar/x509 on Node's WebCrypto: one code path for
// both key types. A CA from pki.ts (forge-made, RSA) signs them; its subject is copied
// octet for octet into the issuer field, so every verifier's chain building finds it.
import { createPublicKey, generateKeyPair, randomBytes } from "node:crypto";
import type { Issued, LocalCa } from "../world/pki.ts";
import { splitAddress } from "./smimea-owner.ts";
import { importSigningKey, signingAlgorithmFor, x509 } from "./webcrypto.ts";

export type SmimeKeyType = "rsa-2048" | "ecdsa-p256";

/** One shape for both key types: pki.ts's Issued (keyPem, certPem, chainPems) plus who it is. */
export interface SmimeUser extends Issued {
  address: string;
  keyType: SmimeKeyType;
  /** The certificate that issued certPem (chainPems[0]); certPem itself when self-signed. */
  issuerCertPem: string;
}

export interface SmimeUserOptions {
  address: string;
  keyType?: SmimeKeyType; // default rsa-2048
  commonName?: string; // default: the address
  /** Issue from this CA's intermediate; without it the certificate is self-signed. */
  ca?: LocalCa;
  notBefore?: Date;
  notAfter?: Date;
  /** A key to certify (PKCS#8 PEM, of keyType) instead of a fresh one: RSA keys are slow to make. */
  keyPem?: string;
}

const EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";

function newKeyPem(keyType: SmimeKeyType): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, _pub: unknown, priv: { export(o: object): string | Buffer }) =>
      err ? reject(err) : resolve(priv.export({ type: "pkcs8", format: "pem" }).toString());
    if (keyType === "rsa-2048") generateKeyPair("rsa", { modulusLength: 2048 }, done);
    else generateKeyPair("ec", { namedCurve: "prime256v1" }, done);
  });
}

// A world's users share a few RSA keys and one issuing CA: each key and issuer is parsed once.
const publicKeys = new Map<string, x509.PublicKey>();
const issuerCerts = new Map<string, x509.X509Certificate>();

/** The public half of a private key, as its SubjectPublicKeyInfo. */
function publicKeyOf(keyPem: string): x509.PublicKey {
  let k = publicKeys.get(keyPem);
  if (!k)
    publicKeys.set(keyPem, (k = new x509.PublicKey(createPublicKey(keyPem).export({ type: "spki", format: "der" }))));
  return k;
}

function issuerCertOf(certPem: string): x509.X509Certificate {
  let c = issuerCerts.get(certPem);
  if (!c) issuerCerts.set(certPem, (c = new x509.X509Certificate(certPem)));
  return c;
}

function assertAsciiAddress(address: string): void {
  // An rfc822Name is an IA5String. A non-ASCII local-part needs the SmtpUTF8Mailbox otherName of
  // RFC 9598, which this module does not build.
  if (!/^[\x21-\x7e]+$/.test(address)) throw new Error(`'${address}' is not ASCII: rfc822Name cannot carry it`);
  splitAddress(address);
}

/** A fresh S/MIME user: key pair and certificate (and chain, when a CA issues it). */
export async function smimeUser(opts: SmimeUserOptions): Promise<SmimeUser> {
  assertAsciiAddress(opts.address);
  const keyType = opts.keyType ?? "rsa-2048";
  const keyPem = opts.keyPem ?? (await newKeyPem(keyType));
  const publicKey = publicKeyOf(keyPem);
  const issuer = opts.ca?.intermediate;
  const signerKeyPem = issuer ? issuer.keyPem : keyPem;
  const now = Date.now();
  const keyUsage =
    x509.KeyUsageFlags.digitalSignature |
    x509.KeyUsageFlags.nonRepudiation |
    (keyType === "rsa-2048" ? x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.keyAgreement);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(keyUsage, true),
    new x509.ExtendedKeyUsageExtension([EMAIL_PROTECTION], false),
    new x509.SubjectAlternativeNameExtension([{ type: "email", value: opts.address }], false),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
  if (issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuerCertOf(issuer.certPem)));
  const subject = new x509.Name([{ "2.5.4.3": [opts.commonName ?? opts.address] }]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialHex(),
    subject,
    issuer: issuer ? issuerCertOf(issuer.certPem).subjectName : subject,
    notBefore: opts.notBefore ?? new Date(now - 3600_000),
    notAfter: opts.notAfter ?? new Date(now + 30 * 86400_000),
    publicKey,
    signingKey: await importSigningKey(signerKeyPem),
    signingAlgorithm: signingAlgorithmFor(signerKeyPem),
    extensions,
  });
  const certPem = cert.toString("pem") + "\n";
  return {
    address: opts.address,
    keyType,
    keyPem,
    certPem,
    chainPems: opts.ca ? [opts.ca.intermediate.certPem, opts.ca.root.certPem] : [],
    issuerCertPem: issuer ? issuer.certPem : certPem,
  };
}

function serialHex(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x40; // positive, and no leading zero octet (minimal DER)
  return b.toString("hex");
}
