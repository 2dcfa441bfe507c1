import { describe, expect, it } from "vitest";
import { alterDs, alterRrsig, dropRrsig } from "./fault-zones.ts";

const signed = [
  "mx.a.test.\t300\tIN\tA\t198.51.100.1",
  "_25._tcp.mx.a.test.\t300\tIN\tTLSA\t3 1 1 ABCD",
  "_25._tcp.mx.a.test.\t300\tIN\tRRSIG\tTLSA 13 5 300 20261227 20261129 1234 a.test. QUJDREVGR0hJSktMTU5PUA==",
  "mx.a.test.\t300\tIN\tRRSIG\tA 13 3 300 20261227 20261129 1234 a.test. WFlaMTIzNDU2Nzg5MA==",
].join("\n");

describe("DNSSEC faults as rendering choices", () => {
  it("alters only the signature of the RRSIG over the named type", () => {
    const out = alterRrsig(signed, "TLSA").split("\n");
    expect(out[2]).not.toBe(signed.split("\n")[2]);
    const fields = (l: string) => l.split(/\s+/);
    expect(fields(out[2]!).slice(0, -1)).toEqual(fields(signed.split("\n")[2]!).slice(0, -1));
    expect(out[3]).toBe(signed.split("\n")[3]);
  });

  it("drops only the RRSIG over the named type", () => {
    const out = dropRrsig(signed, "TLSA");
    expect(out).not.toContain("RRSIG\tTLSA");
    expect(out).toContain("RRSIG\tA");
  });

  it("breaks a DS's digest, or gives it an algorithm no resolver knows", () => {
    const ds = "a.test.\t3600\tIN\tDS\t12345 13 2 ABCDEF0";
    expect(alterDs(ds, "digest").split("\t").at(-1)).toBe("ABCDEF1");
    expect(alterDs(ds, "algorithm").split("\t")[5]).toBe("200");
  });
});
