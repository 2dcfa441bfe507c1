// Node's WebCrypto as the engine of pkijs and @peculiar/x509, and the PEM/DER/key plumbing the
// S/MIME code shares. Importing this module sets both libraries up (once per process). Other
// modules take @peculiar/x509 from here, so that the Reflect polyfill is always loaded first.
import "reflect-metadata"; // @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs it
import { createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import * as pkijs from "pkijs";

export { x509 };
export type CryptoKey = webcrypto.CryptoKey;
export const subtle = webcrypto.subtle;

x509.cryptoProvider.set(webcrypto);
pkijs.setEngine("node-webcrypto", new pkijs.CryptoEngine({ name: "node-webcrypto", crypto: webcrypto }));

/** The DER inside the first PEM block (with the given label, if one is given). */
export function pemToDer(pem: string, label?: string): Buffer {
  const re = label
    ? new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`)
    : /-----BEGIN [A-Z0-9 ]+-----([^-]+)-----END [A-Z0-9 ]+-----/;
  const m = re.exec(pem);
  if (!m) throw new Error(`no PEM block${label ? ` labelled ${label}` : ""} found`);
  return Buffer.from(m[1]!.replace(/\s+/g, ""), "base64");
}

export function derToPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const b64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString("base64");
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;
}

/** A copy of bytes as a standalone ArrayBuffer (pkijs and asn1js want ArrayBuffers). */
export function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function certificateFromPem(pem: string): pkijs.Certificate {
  return pkijs.Certificate.fromBER(arrayBuffer(pemToDer(pem, "CERTIFICATE")));
}

export type KeyAlgorithm = "rsa" | "ec";

/** "rsa" or "ec", from a private or public key in PEM (PKCS#8, SPKI, or traditional). */
export function keyAlgorithmOf(pem: string): KeyAlgorithm {
  const key = pem.includes("PRIVATE KEY") ? createPrivateKey(pem) : createPublicKey(pem);
  const type = key.asymmetricKeyType;
  if (type === "rsa" || type === "ec") return type;
  throw new Error(`unsupported key type ${type} (S/MIME here is RSA or ECDSA)`);
}

function namedCurveOf(pem: string): string {
  const curve = createPrivateKey(pem).asymmetricKeyDetails?.namedCurve;
  const names: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };
  const name = curve ? names[curve] : undefined;
  if (!name) throw new Error(`unsupported EC curve ${curve}`);
  return name;
}

type SigningAlgorithm = webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
const signingAlgorithms = new Map<string, SigningAlgorithm>();

/** WebCrypto parameters for signing with SHA-256: RSA PKCS#1 v1.5 or ECDSA. */
export function signingAlgorithmFor(keyPem: string): SigningAlgorithm {
  let alg = signingAlgorithms.get(keyPem);
  if (!alg) {
    alg =
      keyAlgorithmOf(keyPem) === "rsa"
        ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
        : ({ name: "ECDSA", namedCurve: namedCurveOf(keyPem), hash: "SHA-256" } as webcrypto.EcKeyImportParams);
    signingAlgorithms.set(keyPem, alg);
  }
  return alg;
}

/** Signing keys already imported, by PEM: a CA signs hundreds of certificates with one key, and
 *  each import parses the key (an RSA key more than once). */
const signingKeys = new Map<string, Promise<CryptoKey>>();

/** A private key in PEM as a WebCrypto signing key (SHA-256). */
export function importSigningKey(keyPem: string): Promise<CryptoKey> {
  let key = signingKeys.get(keyPem);
  if (!key) {
    const pkcs8 = createPrivateKey(keyPem).export({ type: "pkcs8", format: "der" });
    key = subtle.importKey("pkcs8", pkcs8, signingAlgorithmFor(keyPem), false, ["sign"]);
    key.catch(() => signingKeys.delete(keyPem));
    signingKeys.set(keyPem, key);
  }
  return key;
}

/** The PKCS#8 DER of a private key in any PEM form Node reads. */
export function pkcs8Der(keyPem: string): Buffer {
  return createPrivateKey(keyPem).export({ type: "pkcs8", format: "der" });
}
