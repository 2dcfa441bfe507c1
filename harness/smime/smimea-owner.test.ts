import { describe, expect, it } from "vitest";
import { smimeaLocalPartLabel, smimeaOwnerForAddress, smimeaOwnerName, splitAddress } from "./smimea-owner.ts";

// Expected labels computed outside Node: printf '%s' LOCALPART | sha256sum | cut -c1-56
describe("SMIMEA owner name (RFC 8162 §3)", () => {
  it("is the RFC's own example for hugh@example.com", () => {
    expect(smimeaOwnerForAddress("hugh@example.com")).toBe(
      "c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._smimecert.example.com",
    );
  });

  it("does not fold case: Hugh and HUGH are other owners than hugh", () => {
    expect(smimeaOwnerName("Hugh", "example.com")).toBe(
      "7063a398942ba5c6125429518d0608563f3974bb48013ddf58fb01d4._smimecert.example.com",
    );
    expect(smimeaLocalPartLabel("HUGH")).toBe("811876dac736c7f6fda69c5b618c5866d79f3508b746566ee375c9da");
  });

  it("hashes a UTF-8 local-part as its UTF-8 octets, without normalizing it", () => {
    const nfc = "j\u00f6ran"; // ö as one code point: 6a c3 b6 72 61 6e
    const nfd = "jo\u0308ran"; // o + combining diaeresis
    expect(smimeaOwnerForAddress(`${nfc}@example.com`)).toBe(
      "c3ee5da0f3b63ba8f656adf74449abfbfb530ada510e806e71b5c0a3._smimecert.example.com",
    );
    expect(smimeaLocalPartLabel(nfd)).toBe("bbee0645e13c23c5bea167217bd77357121e262a1c3ee4fef0cdc1db");
  });

  it("the label is 56 hex digits (28 octets), within the DNS's 63-octet label limit", () => {
    expect(smimeaLocalPartLabel("a".repeat(500))).toMatch(/^[0-9a-f]{56}$/);
  });

  it("takes the domain in A-labels, without a trailing dot; its case does not matter to the DNS", () => {
    expect(smimeaOwnerName("hugh", "example.com.")).toBe(smimeaOwnerName("hugh", "example.com"));
    expect(smimeaOwnerName("hugh", "bücher.example")).toMatch(/\._smimecert\.xn--bcher-kva\.example$/);
  });

  it("splits an address at its last @ and refuses what is not an address", () => {
    expect(splitAddress('"a@b"@example.com')).toEqual({ localPart: '"a@b"', domain: "example.com" });
    expect(() => smimeaOwnerForAddress("example.com")).toThrow(/not an address/);
    expect(() => smimeaOwnerForAddress("@example.com")).toThrow(/not an address/);
    expect(() => smimeaOwnerName("", "example.com")).toThrow(/non-empty/);
  });
});
