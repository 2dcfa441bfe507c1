import { describe, expect, it } from "vitest";
import { encodeTextBody, multipartParts, parseContentType, parseEntity, toBinary, toCrlf } from "./mime.ts";

describe("MIME plumbing", () => {
  it("multipart parts are exact: the CRLF before a delimiter is the delimiter's; padding and look-alikes", () => {
    const body = toCrlf(
      ["preamble", "--b \t", "part one", "--bb is not a delimiter", "", "--b", "part two", "--b-- ", "epilogue"].join(
        "\n",
      ),
    );
    expect(multipartParts(body, "b")).toEqual(["part one\r\n--bb is not a delimiter\r\n", "part two"]);
    expect(() => multipartParts("--b\r\nunterminated\r\n", "b")).toThrow(/closing delimiter/);
  });

  it("unfolds header fields and keeps their raw lines", () => {
    const e = parseEntity('Content-Type: multipart/signed;\r\n\tboundary="x y"; micalg=SHA-256\r\nX: 1\r\n\r\nbody');
    expect(e.headers.map((h) => h.name)).toEqual(["Content-Type", "X"]);
    expect(e.headers[0]!.raw).toBe('Content-Type: multipart/signed;\r\n\tboundary="x y"; micalg=SHA-256');
    expect(parseContentType(e.headers[0]!.value)).toEqual({
      type: "multipart/signed",
      params: { boundary: "x y", micalg: "SHA-256" },
    });
    expect(e.body).toBe("body");
  });

  it("text that would not survive transport is quoted-printable, with lines of at most 76", () => {
    expect(encodeTextBody("plain\ntext")).toEqual({ encoding: "7bit", body: "plain\r\ntext" });
    const qp = encodeTextBody(`From me\n${"é".repeat(60)}\nend `);
    expect(qp.encoding).toBe("quoted-printable");
    expect(qp.body.split("\r\n").every((l) => l.length <= 76)).toBe(true);
    expect(qp.body).toMatch(/^=46rom me\r\n/);
    expect(qp.body.endsWith("end=20")).toBe(true);
  });

  it("binary strings are the UTF-8 octets", () => {
    expect(toBinary("é")).toBe("\u00c3\u00a9");
    expect(toBinary(Buffer.from([0xff]))).toBe("\u00ff");
  });
});
