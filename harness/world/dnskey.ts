// DNSKEY arithmetic shared by the signers' checks: key tags (RFC 4034 appendix B) and SHA-256 DS
// digests (RFC 4509), computed from a DNSKEY RR in presentation form.
import { createHash } from "node:crypto";

export interface DnskeyRR {
  owner: string;
  rdata: string[]; // flags, protocol, algorithm, then the base64 key (maybe split in tokens)
}

export function dnskeyRdata(rr: DnskeyRR): Buffer {
  const [flags, proto, alg, ...key] = rr.rdata;
  const head = Buffer.alloc(4);
  head.writeUInt16BE(Number(flags), 0);
  head.writeUInt8(Number(proto), 2);
  head.writeUInt8(Number(alg), 3);
  return Buffer.concat([head, Buffer.from(key.join(""), "base64")]);
}

/** RFC 4034 appendix B key tag. */
export function keyTag(rr: DnskeyRR): number {
  const rd = dnskeyRdata(rr);
  let ac = 0;
  for (let i = 0; i < rd.length; i++) ac += i & 1 ? rd[i]! : rd[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

/** A domain name in DNS wire form, lower case. */
export function nameWire(name: string): Buffer {
  const labels = name.toLowerCase().replace(/\.$/, "").split(".").filter(Boolean);
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "ascii")])),
    Buffer.from([0]),
  ]);
}

/** SHA-256 DS digest (digest type 2) of a DNSKEY RR, upper-case hex. */
export function dsDigest(rr: DnskeyRR): string {
  return createHash("sha256")
    .update(Buffer.concat([nameWire(rr.owner), dnskeyRdata(rr)]))
    .digest("hex")
    .toUpperCase();
}
