import { describe, expect, it } from "vitest";
import { alterDs, alterRrsig, dropRrsig, spliceRrsig, unloadable } from "./fault-zones.ts";

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

  it("breaks only the RRSIG over A at the MX host, when the owner is named", () => {
    const withNs = signed + "\nns.a.test.\t300\tIN\tRRSIG\tA 13 3 300 20261227 20261129 1234 a.test. T1RIRVI=";
    const out = alterRrsig(withNs, "A", "mx.a.test").split("\n");
    expect(out[3]).not.toBe(withNs.split("\n")[3]);
    expect(out[4]).toBe(withNs.split("\n")[4]);
    expect(dropRrsig(withNs, "A", "mx.a.test")).toContain("ns.a.test.\t300\tIN\tRRSIG\tA");
  });

  it("takes the RRSIG over A from another signing, leaving the rest", () => {
    const other = signed.replace(
      "A 13 3 300 20261227 20261129 1234 a.test. WFlaMTIzNDU2Nzg5MA==",
      "A 13 3 300 20261126 20261030 1234 a.test. b3RoZXIz",
    );
    const out = spliceRrsig(signed, other, "A", "mx.a.test");
    expect(out).toContain("RRSIG\tA 13 3 300 20261126 20261030 1234 a.test. b3RoZXIz");
    expect(out).not.toContain("WFlaMTIz");
    expect(out.split("\n")[2]).toBe(signed.split("\n")[2]);
    expect(() => spliceRrsig(signed, signed, "A", "nope.a.test")).toThrow(/no RRSIG over A at nope/);
  });

  it("makes a zone file no authority loads: TLSA data that is not hex", () => {
    const out = unloadable(signed).split("\n");
    expect(out[1]).toBe("_25._tcp.mx.a.test.\t300\tIN\tTLSA\t3 1 1 this-is-not-hex");
    expect(out[0]).toBe(signed.split("\n")[0]);
  });
});
