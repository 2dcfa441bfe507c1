// S/MIME messages (RFC 8551, formerly RFC 5751): sign, verify, encrypt, decrypt. The CMS
// structures inside (RFC 5652) come from harness/smime/cms-structures.ts, which uses pkijs on
// Node's WebCrypto.
//
// Why pkijs and not node-forge, which builds the harness's TLS certificates: forge's PKCS#7 can
// sign but cannot verify a signature (its verify() throws "PKCS#7 signature verification not yet
// implemented"), so a receiving MUA could check nothing with it; and forge is RSA-only, while the
// guide's lab used RSA and this harness also tests ECDSA P-256. pkijs (PeculiarVentures,
// maintained, BSD-3-Clause) implements CMS SignedData and EnvelopedData on WebCrypto: RSA PKCS#1
// v1.5 and ECDSA signatures, RSA-OAEP key transport, ECDH key agreement and AES content encryption.
//
// verifySignedMessage() is the cryptographic check only: the digest of the signed part against
// the signed attributes, and the signature over the signed attributes with the key of the
// certificate the SignedData names as its signer. Whether that certificate is to be trusted (an
// SMIMEA binding, a CA) is decided elsewhere; harness/smime/verifiers/ ask other tools too.
//
// Messages are UTF-8 strings (or octets) in, UTF-8 strings out. Input may have LF or CRLF line
// ends (IMAP clients differ); the signed part is checked in its canonical CRLF form. Output has
// CRLF line ends.
import {
  envelope,
  openEnvelope,
  signDetached,
  verifyDetached,
  type DetachedCheck,
  type Signer,
} from "./cms-structures.ts";
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

export type { Signer } from "./cms-structures.ts";

export interface SignMessageInput {
  from: string; // "alice@lab.test" or "Alice <alice@lab.test>"
  to: string;
  subject: string;
  text: string;
  messageId: string; // with or without the angle brackets
  date?: Date;
  signer: Signer;
}

/** The signed body part: a text/plain entity in canonical form (CRLF), as a binary string. */
function textPart(text: string): string {
  const { encoding, body } = encodeTextBody(text);
  return `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${body}`;
}

/** An address header value with a non-ASCII display name as an RFC 2047 encoded-word. */
function addressHeader(value: string): string {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(value);
  return m && m[1] ? `${encodeHeaderText(m[1])} <${m[2]}>` : value;
}

/** A complete multipart/signed message (RFC 8551 §3.5.3), CRLF line ends. */
export async function signMessage(input: SignMessageInput): Promise<string> {
  const part = textPart(input.text);
  const p7s = await signDetached(Buffer.from(part, "latin1"), input.signer, input.date);
  const boundary = newBoundary();
  const messageId = input.messageId.startsWith("<") ? input.messageId : `<${input.messageId}>`;
  const lines = [
    `Date: ${(input.date ?? new Date()).toUTCString().replace("GMT", "+0000")}`,
    `From: ${addressHeader(input.from)}`,
    `To: ${addressHeader(input.to)}`,
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

const PKCS7_SIGNATURE = /^application\/(x-)?pkcs7-signature$/;

/** Split a multipart/signed message (CRLF or LF line ends) into its signed content and signature. */
export function signedParts(source: string | Uint8Array): SignedParts {
  const { headers, body } = parseEntity(toCrlf(toBinary(source)));
  const ct = parseContentType(headerValue(headers, "Content-Type"));
  if (ct.type !== "multipart/signed") throw new Error(`not a multipart/signed message (Content-Type ${ct.type})`);
  const protocol = (ct.params.protocol ?? "").toLowerCase();
  if (!PKCS7_SIGNATURE.test(protocol))
    throw new Error(`multipart/signed with protocol '${protocol}', not application/pkcs7-signature`);
  if (!ct.params.boundary) throw new Error("multipart/signed without a boundary parameter");
  const parts = multipartParts(body, ct.params.boundary);
  if (parts.length !== 2) throw new Error(`multipart/signed has ${parts.length} body parts, not 2`);
  const sigPart = parseEntity(parts[1]!);
  const sigType = parseContentType(headerValue(sigPart.headers, "Content-Type")).type;
  if (!PKCS7_SIGNATURE.test(sigType)) throw new Error(`the second body part is ${sigType}, not a signature`);
  const from = headerValue(headers, "From");
  return { fromHeader: from && fromBinary(from), content: parts[0]!, signature: decodeBase64Body(sigPart.body) };
}

export interface VerifyResult extends DetachedCheck {
  /** The From header field's value, as it stands in the message (encoded-words not decoded). */
  fromHeader: string | undefined;
  /** The signed entity (UTF-8 text), when the message could be split. */
  signedContent?: string;
}

export async function verifySignedMessage(source: string | Uint8Array): Promise<VerifyResult> {
  let parts: SignedParts;
  try {
    parts = signedParts(source);
  } catch (e) {
    const from = headerValue(parseEntity(toCrlf(toBinary(source))).headers, "From");
    return { signatureValid: false, fromHeader: from && fromBinary(from), reason: (e as Error).message };
  }
  const check = await verifyDetached(Buffer.from(parts.content, "latin1"), parts.signature);
  return { ...check, fromHeader: parts.fromHeader, signedContent: fromBinary(parts.content) };
}

const isContentHeader = (name: string) => /^content-/i.test(name);

/** Encrypt a message (RFC 8551 §3.3) to one or more certificates: its Content-* header fields and
 *  body become the encrypted entity; the other header fields (From, To, Subject, ...) stay
 *  outside. To sign and encrypt, pass signMessage()'s output. */
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

/** Decrypt an application/pkcs7-mime enveloped-data message: the inner MIME entity (CRLF),
 *  exactly as it was encrypted. For a signed-then-encrypted message, pass the result to
 *  verifySignedMessage() and take From from the outer message. */
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
  const plain = await openEnvelope(decodeBase64Body(body), recipientKeyPem, recipientCertPem);
  return fromBinary(plain.toString("latin1"));
}
