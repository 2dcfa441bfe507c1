import { createHash } from "node:crypto";
import dnsPacket from "dns-packet";
import { describe, expect, it } from "vitest";
import { decode, encode, SMIMEA_TYPE, type SmimeaPacket, streamDecode, streamEncode } from "./dns-packet-smimea.ts";
import { smimeaOwnerForAddress } from "./smimea-owner.ts";

const owner = smimeaOwnerForAddress("hugh@example.com");
const digest = createHash("sha256").update("a certificate's SubjectPublicKeyInfo").digest();
const rrsig = {
  typeCovered: "SMIMEA",
  algorithm: 13,
  labels: 4,
  originalTTL: 300,
  expiration: 1_900_000_000,
  inception: 1_800_000_000,
  keyTag: 12345,
  signersName: "example.com",
  signature: Buffer.alloc(64, 0xab),
};

const response: SmimeaPacket = {
  type: "response",
  id: 4711,
  flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHENTIC_DATA,
  questions: [{ type: "SMIMEA", name: owner, class: "IN" }],
  answers: [
    {
      type: "SMIMEA",
      name: owner,
      ttl: 300,
      class: "IN",
      flush: false,
      data: { usage: 3, selector: 1, matchingType: 1, certificate: digest },
    },
    { type: "RRSIG", name: owner, ttl: 300, class: "IN", flush: false, data: rrsig },
  ],
  authorities: [
    {
      type: "NSEC",
      name: owner,
      ttl: 300,
      class: "IN",
      flush: false,
      data: { nextDomain: "example.com", rrtypes: ["RRSIG", "NSEC", "SMIMEA"] },
    },
  ],
  additionals: [],
};

describe("SMIMEA in dns-packet", () => {
  const wire = encode(response);

  it("round-trips a response with an SMIMEA answer and its RRSIG", () => {
    const back = decode(wire);
    expect(back.flag_ad).toBe(true);
    expect(back.questions).toEqual(response.questions);
    expect(back.answers).toEqual(response.answers);
    expect(back.authorities).toEqual(response.authorities);
    expect(decode(encode(back)).answers).toEqual(response.answers);
  });

  it("puts type 53 and TLSA's RDATA layout on the wire", () => {
    // header (12) + QNAME, then QTYPE
    const qnameLength = owner.split(".").reduce((n, label) => n + 1 + label.length, 1);
    expect(wire.readUInt16BE(12 + qnameLength)).toBe(SMIMEA_TYPE);
    const raw = dnsPacket.decode(wire);
    const [smimea, sig] = raw.answers as Array<{ type: string; data: unknown }>;
    expect(smimea!.type).toBe("UNKNOWN_53");
    expect(smimea!.data).toEqual(Buffer.concat([Buffer.from([3, 1, 1]), digest])); // RFC 8162 §2.1
    expect((sig!.data as { typeCovered: string }).typeCovered).toBe("UNKNOWN_53");
  });

  it("leaves TLSA and other types as dns-packet decodes them", () => {
    const tlsa = { usage: 3, selector: 1, matchingType: 1, certificate: digest };
    const p: SmimeaPacket = {
      type: "response",
      answers: [{ type: "TLSA", name: "_25._tcp.mx.example.com", ttl: 60, class: "IN", flush: false, data: tlsa }],
    };
    expect(decode(encode(p)).answers).toEqual(dnsPacket.decode(dnsPacket.encode(p as dnsPacket.Packet)).answers);
  });

  it("round-trips over the TCP framing too", () => {
    const framed = streamEncode(response);
    expect(framed.readUInt16BE(0)).toBe(framed.length - 2);
    expect(streamDecode(framed).answers).toEqual(response.answers);
    expect(() => streamDecode(framed.subarray(0, 10))).toThrow(/incomplete/);
  });
});
