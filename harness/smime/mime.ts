// The little MIME the S/MIME code needs (RFC 2045-2047, RFC 5322), on "binary strings": one
// character per octet (latin1), so that what is hashed is exactly the octets that were sent.
//
// A message fetched over IMAP may come with LF line ends; a signed entity's canonical form has
// CRLF (RFC 8551 §3.1.1), and every line end of a multipart/signed message is part of what was
// signed or of a delimiter. So parsing starts by turning every line end into CRLF.
import { randomBytes } from "node:crypto";

/** Octets (or UTF-8 text) as a binary string, one character per octet. */
export function toBinary(source: string | Uint8Array): string {
  return Buffer.from(typeof source === "string" ? Buffer.from(source, "utf8") : source).toString("latin1");
}

/** A binary string back to UTF-8 text. */
export function fromBinary(binary: string): string {
  return Buffer.from(binary, "latin1").toString("utf8");
}

/** Every line end (CRLF, LF, or a lone CR) as CRLF. */
export function toCrlf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, "\r\n");
}

export interface Header {
  name: string;
  value: string; // unfolded, without the leading space
  raw: string; // the header's lines as they were, without the final CRLF
}

export interface Entity {
  headers: Header[];
  /** Everything after the blank line that ends the header (may be empty). */
  body: string;
}

/** Split a CRLF entity into its header fields and body. */
export function parseEntity(crlf: string): Entity {
  const end = crlf.startsWith("\r\n") ? 0 : crlf.indexOf("\r\n\r\n");
  const headerText = end < 0 ? crlf : crlf.slice(0, end);
  const body = end < 0 ? "" : crlf.slice(end === 0 ? 2 : end + 4);
  const headers: Header[] = [];
  for (const line of headerText === "" ? [] : headerText.split("\r\n")) {
    const last = headers.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.raw += "\r\n" + line;
      last.value += line.replace(/^[ \t]+/, " ");
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`not a header field: ${JSON.stringify(line.slice(0, 80))}`);
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim(), raw: line });
  }
  return { headers, body };
}

export function headerValue(headers: Header[], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

export interface ContentType {
  type: string; // "multipart/signed", lower case
  params: Record<string, string>; // names lower case, values unquoted
}

/** Parse a Content-Type value: type/subtype and its parameters (quoted or not). */
export function parseContentType(value: string | undefined): ContentType {
  if (!value) return { type: "text/plain", params: { charset: "us-ascii" } }; // RFC 2045 §5.2
  const semi = value.indexOf(";");
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]+))/g;
  for (const m of (semi < 0 ? "" : value.slice(semi)).matchAll(re))
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]!;
  return { type, params };
}

/** The body parts of a multipart body, each exactly as it stands between its delimiter line and
 *  the CRLF that precedes the next delimiter (RFC 2046 §5.1.1: that CRLF belongs to the
 *  delimiter). Transport padding after a delimiter is allowed. */
export function multipartParts(body: string, boundary: string): string[] {
  const delimiter = "--" + boundary;
  const starts: Array<{ lineStart: number; contentStart: number; close: boolean }> = [];
  let at = 0;
  while (at <= body.length) {
    const eol = body.indexOf("\r\n", at);
    const line = body.slice(at, eol < 0 ? body.length : eol);
    if (line.startsWith(delimiter)) {
      const rest = line.slice(delimiter.length);
      const close = rest.startsWith("--");
      if (/^[ \t]*$/.test(close ? rest.slice(2) : rest)) {
        starts.push({ lineStart: at, contentStart: eol < 0 ? body.length : eol + 2, close });
        if (close) break;
      }
    }
    if (eol < 0) break;
    at = eol + 2;
  }
  const parts: string[] = [];
  for (let i = 0; i + 1 < starts.length; i++) {
    if (starts[i]!.close) break;
    parts.push(body.slice(starts[i]!.contentStart, Math.max(starts[i]!.contentStart, starts[i + 1]!.lineStart - 2)));
  }
  if (!starts.at(-1)?.close) throw new Error(`multipart body has no closing delimiter --${boundary}--`);
  return parts;
}

export function newBoundary(): string {
  return `----=_smime_${randomBytes(12).toString("hex")}`;
}

/** Base64 in lines of 76 characters, CRLF line ends (RFC 2045 §6.8), with a final CRLF. */
export function base64Lines(bytes: Uint8Array): string {
  return Buffer.from(bytes)
    .toString("base64")
    .replace(/.{1,76}/g, "$&\r\n");
}

/** Decode a base64 body, ignoring line ends and other whitespace. */
export function decodeBase64Body(body: string): Buffer {
  return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
}

/** A text body that survives any transport unchanged: 7bit when it already does (ASCII, lines
 *  of at most 76 characters, no trailing white space, no line starting "From " or "."),
 *  quoted-printable (RFC 2045 §6.7) otherwise. The result has CRLF line ends. */
export function encodeTextBody(text: string): { encoding: "7bit" | "quoted-printable"; body: string } {
  const lines = toCrlf(text).split("\r\n");
  const safe = lines.every(
    (l) => /^[\x20-\x7e]*$/.test(l) && l.length <= 76 && !/[ \t]$/.test(l) && !/^(From |\.)/.test(l),
  );
  if (safe) return { encoding: "7bit", body: lines.join("\r\n") };
  const qpLine = (line: string): string => {
    let out = "";
    const bytes = Buffer.from(line, "utf8");
    bytes.forEach((b, i) => {
      const last = i === bytes.length - 1;
      const plain = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
      const firstFromOrDot = i === 0 && (b === 0x2e || (b === 0x46 && line.startsWith("From ")));
      out += plain && !firstFromOrDot ? String.fromCharCode(b) : "=" + b.toString(16).toUpperCase().padStart(2, "0");
    });
    const soft: string[] = [];
    while (out.length > 76) {
      let cut = 75;
      if (out[cut - 1] === "=") cut -= 1;
      else if (out[cut - 2] === "=") cut -= 2;
      soft.push(out.slice(0, cut) + "=");
      out = out.slice(cut);
    }
    return [...soft, out].join("\r\n");
  };
  return { encoding: "quoted-printable", body: lines.map(qpLine).join("\r\n") };
}

/** A header value as an RFC 2047 encoded-word when it is not plain ASCII. */
export function encodeHeaderText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}
