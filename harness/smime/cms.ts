// S/MIME messages (RFC 8551, formerly RFC 5751) with CMS (RFC 5652): sign, verify, encrypt,
// decrypt. pkijs builds and checks the CMS structures on Node's WebCrypto.
//
// Why not node-forge, which builds the harness's TLS certificates: forge's PKCS#7 can sign but
// cannot verify a signature (its p7.verify() is unimplemented), so a receiving MUA could not
// check anything with it; and forge is RSA-only, while the guide's lab used RSA and this harness
// also tests ECDSA P-256. pkijs (PeculiarVentures, maintained, BSD-3-Clause) implements CMS
// SignedData and EnvelopedData fully on WebCrypto: RSA PKCS#1 v1.5 and ECDSA signatures, RSA-OAEP
// key transport, ECDH key agreement, AES content encryption.
//
// verifySignedMessage() is the cryptographic check only: the message digest of the signed part
// against the signed attributes, and the signature over the signed attributes with the key of the
// certificate the SignedData names as its signer. Whether that certificate is to be trusted (an
// SMIMEA binding, a CA) is decided elsewhere; harness/smime/verifiers/ hand that to other tools.
import { createHash } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import {
  base64Lines,
  decodeBase64Body,
  encodeHeaderText,
  encodeTextBody,
  fromBinary,
  headerValue,
  multipartParts,
  newBoundary,
  parseContentType,
  parseEntity,
  toBinary,
  toCrlf,
} from "./mime.ts";
import { arrayBuffer, certificateFromPem, derToPem, importSigningKey, pkcs8Der } from "./webcrypto.ts";

const OID = {
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

export interface SignMessageInput {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  date?: Date;
  signer: Signer;
}

/** The signed body part: a text/plain entity in canonical form (CRLF), as a binary string. */
function textPart(text: string): string {
  const { encoding, body } = encodeTextBody(text);
  return `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${body}`;
}

/** Detached CMS SignedData over `content`: SHA-256, signed attributes contentType, signingTime and
 *  messageDigest, signer identified by issuer and serial number, certificates included. */
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

/** A complete multipart/signed message (RFC 8551 §3.5.3), CRLF line ends. */
export async function signMessage(input: SignMessageInput): Promise<string> {
  const part = textPart(input.text);
  const p7s = await signDetached(Buffer.from(part, "latin1"), input.signer, input.date);
  const boundary = newBoundary();
  const messageId = input.messageId.startsWith("<") ? input.messageId : `<${input.messageId}>`;
  const lines = [
    `Date: ${(input.date ?? new Date()).toUTCString().replace("GMT", "+0000")}`,
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Subject: ${encodeHeaderText(input.subject)}`,
    `Message-ID: ${messageId}`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;\r\n boundary="${boundary}"`,
    "",
    "This is a cryptographically signed message in MIME format.",
    "",
    `--${boundary}`,
    part,
    `--${boundary}`,
    'Content-Type: application/pkcs7-signature; name="smime.p7s"',
    "Content-Transfer-Encoding: base64",
    'Content-Disposition: attachment; filename="smime.p7s"',
    "Content-Description: S/MIME Cryptographic Signature",
    "",
    base64Lines(p7s) + `--${boundary}--`,
    "",
  ];
  return fromBinary(lines.join("\r\n"));
}

/** The two halves of a multipart/signed message: the signed entity and the signature (DER). */
export interface SignedParts {
  fromHeader: string | undefined;
  /** The first body part exactly as signed (canonical CRLF), as a binary string. */
  content: string;
  signature: Buffer;
}

/** Split a multipart/signed message (CRLF or LF line ends) into its signed content and signature. */
export function signedParts(source: string | Uint8Array): SignedParts {
  const { headers, body } = parseEntity(toCrlf(toBinary(source)));
  const ct = parseContentType(headerValue(headers, "Content-Type"));
  if (ct.type !== "multipart/signed") throw new Error(`not a multipart/signed message (Content-Type ${ct.type})`);
  const protocol = (ct.params.protocol ?? "").toLowerCase();
  if (!/^application\/(x-)?pkcs7-signature$/.test(protocol))
    throw new Error(`multipart/signed with protocol '${protocol}', not application/pkcs7-signature`);
  if (!ct.params.boundary) throw new Error("multipart/signed without a boundary parameter");
  const parts = multipartParts(body, ct.params.boundary);
  if (parts.length !== 2) throw new Error(`multipart/signed has ${parts.length} body parts, not 2`);
  const sigPart = parseEntity(parts[1]!);
  const sigType = parseContentType(headerValue(sigPart.headers, "Content-Type")).type;
  if (!/^application\/(x-)?pkcs7-signature$/.test(sigType)) throw new Error(`second body part is ${sigType}`);
  const from = headerValue(headers, "From");
  return { fromHeader: from && fromBinary(from), content: parts[0]!, signature: decodeBase64Body(sigPart.body) };
}

export interface VerifyResult {
  /** The digest of the signed part matches its messageDigest attribute, and the signature over
   *  the signed attributes verifies with the signer certificate's key. No trust decision. */
  signatureValid: boolean;
  /** The certificate the SignedData names as its signer (when it could be found). */
  signerCertPem?: string;
  fromHeader: string | undefined;
  reason: string;
  /** The signed entity (UTF-8 text), when the message could be split. */
  signedContent?: string;
}

function contentInfo(der: Uint8Array, expected: string, what: string): pkijs.ContentInfo {
  const info = pkijs.ContentInfo.fromBER(arrayBuffer(der));
  if (info.contentType !== expected) throw new Error(`${what}: CMS content type ${info.contentType}, not ${expected}`);
  return info;
}

export async function verifySignedMessage(source: string | Uint8Array): Promise<VerifyResult> {
  let parts: SignedParts;
  try {
    parts = signedParts(source);
  } catch (e) {
    const from = headerValue(parseEntity(toCrlf(toBinary(source))).headers, "From");
    return { signatureValid: false, fromHeader: from && fromBinary(from), reason: (e as Error).message };
  }
  const { fromHeader, content, signature } = parts;
  const signedContent = fromBinary(content);
  let signedData: pkijs.SignedData;
  try {
    signedData = new pkijs.SignedData({ schema: contentInfo(signature, OID.signedData, "signature").content });
  } catch (e) {
    return { signatureValid: false, fromHeader, signedContent, reason: `signature part: ${(e as Error).message}` };
  }
  if (signedData.signerInfos.length !== 1)
    return {
      signatureValid: false,
      fromHeader,
      signedContent,
      reason: `${signedData.signerInfos.length} signers, not 1`,
    };
  if (signedData.encapContentInfo.eContent)
    return { signatureValid: false, fromHeader, signedContent, reason: "the SignedData is not detached" };
  const attrs = signedData.signerInfos[0]!.signedAttrs?.attributes ?? [];
  const ct = attrs.find((a) => a.type === OID.contentType)?.values[0];
  if (!(ct instanceof asn1js.ObjectIdentifier) || ct.valueBlock.toString() !== signedData.encapContentInfo.eContentType)
    return { signatureValid: false, fromHeader, signedContent, reason: "contentType attribute missing or wrong" };
  try {
    const r = await signedData.verify({
      signer: 0,
      data: arrayBuffer(Buffer.from(content, "latin1")),
      extendedMode: true,
      checkChain: false,
    });
    const signerCertPem = r.signerCertificate
      ? derToPem(r.signerCertificate.toSchema().toBER(false), "CERTIFICATE")
      : undefined;
    return r.signatureVerified
      ? { signatureValid: true, signerCertPem, fromHeader, signedContent, reason: "digest and signature verify" }
      : { signatureValid: false, signerCertPem, fromHeader, signedContent, reason: "the signature does not verify" };
  } catch (e) {
    const err = e as pkijs.SignedDataVerifyError;
    const signerCertPem = err.signerCertificate
      ? derToPem(err.signerCertificate.toSchema().toBER(false), "CERTIFICATE")
      : undefined;
    return { signatureValid: false, signerCertPem, fromHeader, signedContent, reason: err.message };
  }
}

const isContentHeader = (name: string) => /^content-/i.test(name);

/** EnvelopedData of `content` for each recipient certificate: AES-256-CBC, the key sent by
 *  RSA-OAEP (SHA-256) to an RSA certificate, or by ECDH (dhSinglePass-stdDH-sha256kdf, AES-256 key
 *  wrap) to an EC one. */
export async function envelope(content: Uint8Array, recipientCertPems: string[]): Promise<Buffer> {
  const env = new pkijs.EnvelopedData();
  for (const pem of recipientCertPems)
    env.addRecipientByCertificate(certificateFromPem(pem), { oaepHashAlgorithm: "SHA-256", kdfAlgorithm: "SHA-256" });
  await env.encrypt(
    { name: "AES-CBC", length: 256 } as unknown as Parameters<typeof env.encrypt>[0],
    arrayBuffer(content),
  );
  const info = new pkijs.ContentInfo({ contentType: OID.envelopedData, content: env.toSchema() });
  return Buffer.from(info.toSchema().toBER(false));
}

/** Encrypt a message (RFC 8551 §3.3): its Content-* header fields and body become the encrypted
 *  entity; the other header fields (From, To, Subject, ...) stay outside. To sign and encrypt,
 *  pass signMessage()'s output. */
export async function encryptMessage(innerMime: string, recipientCertPem: string | string[]): Promise<string> {
  const { headers, body } = parseEntity(toCrlf(toBinary(innerMime)));
  const inner = [...headers.filter((h) => isContentHeader(h.name)).map((h) => h.raw), "", body].join("\r\n");
  const outer = headers.filter((h) => !isContentHeader(h.name) && h.name.toLowerCase() !== "mime-version");
  const p7m = await envelope(Buffer.from(inner, "latin1"), [recipientCertPem].flat());
  const lines = [
    ...outer.map((h) => h.raw),
    "MIME-Version: 1.0",
    'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
    "Content-Transfer-Encoding: base64",
    'Content-Disposition: attachment; filename="smime.p7m"',
    "Content-Description: S/MIME Encrypted Message",
    "",
    base64Lines(p7m),
  ];
  return fromBinary(lines.join("\r\n"));
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

/** Decrypt an application/pkcs7-mime enveloped-data message: the inner MIME entity (UTF-8 text,
 *  CRLF), exactly as it was encrypted. */
export async function decryptMessage(
  source: string | Uint8Array,
  recipientKeyPem: string,
  recipientCertPem: string,
): Promise<string> {
  const { headers, body } = parseEntity(toCrlf(toBinary(source)));
  const ct = parseContentType(headerValue(headers, "Content-Type"));
  if (!/^application\/(x-)?pkcs7-mime$/.test(ct.type)) throw new Error(`not an S/MIME encrypted message (${ct.type})`);
  const smimeType = ct.params["smime-type"]?.toLowerCase();
  if (smimeType && smimeType !== "enveloped-data") throw new Error(`smime-type=${smimeType}, not enveloped-data`);
  const info = contentInfo(decodeBase64Body(body), OID.envelopedData, "message");
  const env = new pkijs.EnvelopedData({ schema: info.content });
  const cert = certificateFromPem(recipientCertPem);
  const index = recipientIndex(env, cert);
  if (index < 0) throw new Error("the message is not encrypted to this certificate");
  const plain = await env.decrypt(index, {
    recipientCertificate: cert,
    recipientPrivateKey: arrayBuffer(pkcs8Der(recipientKeyPem)),
  });
  return fromBinary(Buffer.from(plain).toString("latin1"));
}
