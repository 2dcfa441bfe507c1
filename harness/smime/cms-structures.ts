// CMS (RFC 5652) structures as DER, built and checked with pkijs on Node's WebCrypto: detached
// SignedData (sign, verify) and EnvelopedData (encrypt, decrypt). harness/smime/cms.ts wraps them
// in S/MIME messages; it says why pkijs and not node-forge.
import { createHash } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { arrayBuffer, certificateFromPem, derToPem, importSigningKey, pkcs8Der } from "./webcrypto.ts";

export const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
};

export interface Signer {
  certPem: string;
  keyPem: string;
  /** Certificates sent along for the verifier's chain building (intermediates, maybe the root). */
  chainPems?: string[];
}

/** A ContentInfo of the expected content type. */
function contentInfo(der: Uint8Array, expected: string): pkijs.ContentInfo {
  const info = pkijs.ContentInfo.fromBER(arrayBuffer(der));
  if (info.contentType !== expected) throw new Error(`CMS content type ${info.contentType}, not ${expected}`);
  return info;
}

const certPem = (c: pkijs.Certificate) => derToPem(c.toSchema().toBER(false), "CERTIFICATE");

/** Detached SignedData over `content`: SHA-256, signed attributes contentType, signingTime and
 *  messageDigest, signer identified by issuer and serial number, certificates included. The key
 *  is RSA (PKCS#1 v1.5) or ECDSA, as the certificate's. */
export async function signDetached(content: Uint8Array, signer: Signer, signingTime = new Date()): Promise<Buffer> {
  const cert = certificateFromPem(signer.certPem);
  const digest = arrayBuffer(createHash("sha256").update(content).digest());
  const attribute = (type: string, value: asn1js.AsnType) => new pkijs.Attribute({ type, values: [value] });
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }), // detached: no eContent
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
            attribute(OID.signingTime, new asn1js.UTCTime({ valueDate: signingTime })),
            attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: digest })),
          ],
        }),
      }),
    ],
    certificates: [cert, ...(signer.chainPems ?? []).map(certificateFromPem)],
  });
  await signedData.sign(await importSigningKey(signer.keyPem), 0, "SHA-256");
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false));
}

export interface DetachedCheck {
  /** The digest of the content matches the messageDigest attribute, and the signature over the
   *  signed attributes verifies with the signer certificate's key. No trust decision. */
  signatureValid: boolean;
  /** The certificate the SignedData names as its signer (when it could be found). */
  signerCertPem?: string;
  reason: string;
}

/** Check a detached SignedData (one signer, with signed attributes) over `content`. pkijs checks
 *  the digest and the signature; the contentType attribute is checked here (pkijs only wants it
 *  present). */
export async function verifyDetached(content: Uint8Array, signatureDer: Uint8Array): Promise<DetachedCheck> {
  let signedData: pkijs.SignedData;
  try {
    signedData = new pkijs.SignedData({ schema: contentInfo(signatureDer, OID.signedData).content });
  } catch (e) {
    return { signatureValid: false, reason: `signature: ${(e as Error).message}` };
  }
  remember(signatureDer, signedData);
  const n = signedData.signerInfos.length;
  if (n !== 1) return { signatureValid: false, reason: `${n} signers, not 1` };
  if (signedData.encapContentInfo.eContent) return { signatureValid: false, reason: "the SignedData is not detached" };
  const ct = signedData.signerInfos[0]!.signedAttrs?.attributes.find((a) => a.type === OID.contentType)?.values[0];
  if (!(ct instanceof asn1js.ObjectIdentifier) || ct.valueBlock.toString() !== signedData.encapContentInfo.eContentType)
    return { signatureValid: false, reason: "contentType attribute missing or not the encapsulated content type" };
  try {
    const r = await signedData.verify({ signer: 0, data: arrayBuffer(content), extendedMode: true, checkChain: false });
    const signerCertPem = r.signerCertificate ? certPem(r.signerCertificate) : undefined;
    return r.signatureVerified
      ? { signatureValid: true, signerCertPem, reason: "digest and signature verify" }
      : { signatureValid: false, signerCertPem, reason: "the signature does not verify" };
  } catch (e) {
    const err = e as pkijs.SignedDataVerifyError;
    const signerCertPem = err.signerCertificate ? certPem(err.signerCertificate) : undefined;
    return { signatureValid: false, signerCertPem, reason: err.message };
  }
}

/** The certificates each SignedData carries, by the SHA-256 of its DER: the receiving client and
 *  a verifier read the same signature after verifyDetached() has parsed it, and pkijs's parse
 *  is slow (tens of ms a signature). */
const carried = new Map<string, string[]>();
const derKey = (der: Uint8Array) => createHash("sha256").update(der).digest("hex");

function remember(der: Uint8Array, sd: pkijs.SignedData): string[] {
  const pems = (sd.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map(certPem);
  if (carried.size >= 256) carried.clear();
  carried.set(derKey(der), pems);
  return pems;
}

/** The certificates a SignedData carries (PEM). */
export function signedDataCertificates(signatureDer: Uint8Array): string[] {
  const known = carried.get(derKey(signatureDer));
  if (known) return [...known];
  return remember(signatureDer, new pkijs.SignedData({ schema: contentInfo(signatureDer, OID.signedData).content }));
}

/** EnvelopedData of `content` for each recipient certificate: AES-256-CBC, the key sent by
 *  RSA-OAEP (SHA-256) to an RSA certificate, or by ECDH (dhSinglePass-stdDH-sha256kdf, AES-256 key
 *  wrap) to an EC one. */
export async function envelope(content: Uint8Array, recipientCertPems: string[]): Promise<Buffer> {
  const env = new pkijs.EnvelopedData();
  for (const pem of recipientCertPems)
    env.addRecipientByCertificate(certificateFromPem(pem), { oaepHashAlgorithm: "SHA-256", kdfAlgorithm: "SHA-256" });
  const aes256cbc = { name: "AES-CBC", length: 256 } as unknown as Parameters<typeof env.encrypt>[0];
  await env.encrypt(aes256cbc, arrayBuffer(content));
  const info = new pkijs.ContentInfo({ contentType: OID.envelopedData, content: env.toSchema() });
  return Buffer.from(info.toSchema().toBER(false));
}

/** The index of the RecipientInfo addressed to this certificate (by issuer and serial number). */
function recipientIndex(env: pkijs.EnvelopedData, cert: pkijs.Certificate): number {
  const isCert = (id: unknown) =>
    id instanceof pkijs.IssuerAndSerialNumber &&
    id.issuer.isEqual(cert.issuer) &&
    id.serialNumber.isEqual(cert.serialNumber);
  return env.recipientInfos.findIndex((ri) => {
    const v = ri.value;
    if (v instanceof pkijs.KeyTransRecipientInfo) return isCert(v.rid);
    if (v instanceof pkijs.KeyAgreeRecipientInfo)
      return v.recipientEncryptedKeys.encryptedKeys.some((k) => isCert(k.rid.value));
    return false;
  });
}

/** Decrypt an EnvelopedData with the recipient's key and certificate. */
export async function openEnvelope(
  der: Uint8Array,
  recipientKeyPem: string,
  recipientCertPem: string,
): Promise<Buffer> {
  const env = new pkijs.EnvelopedData({ schema: contentInfo(der, OID.envelopedData).content });
  const cert = certificateFromPem(recipientCertPem);
  const index = recipientIndex(env, cert);
  if (index < 0) throw new Error("the message is not encrypted to this certificate");
  const plain = await env.decrypt(index, {
    recipientCertificate: cert,
    recipientPrivateKey: arrayBuffer(pkcs8Der(recipientKeyPem)),
  });
  return Buffer.from(plain);
}
