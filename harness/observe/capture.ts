// Packet capture on the world's bridge, limited to SMTP to and from the receiving MTA.
// A body token found in these bytes crossed the wire in cleartext. A canary message sent in
// cleartext on purpose proves, for every world, that the capture would see such a leak.
import { readFileSync } from "node:fs";
import { ALL_ENDPOINT_SUBNETS, canonicalIp } from "../plan/addressing.ts";

export interface CaptureScan {
  bytes: number;
  packets: number;
  found: Map<string, boolean>;
  /** TCP connections opened (SYN without ACK), as "src>dst:port". */
  syns: Set<string>;
}

const LINKTYPE_LINUX_SLL2 = 276;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_ETHERNET = 1;

/** The "src>dst:port" of a TCP SYN in one captured frame, if it is one (IPv4, or IPv6 with TCP
 *  as its first next header); addresses as canonicalIp() writes them. */
function synOf(frame: Buffer, linktype: number): string | undefined {
  const l2 =
    linktype === LINKTYPE_LINUX_SLL2
      ? 20
      : linktype === LINKTYPE_LINUX_SLL
        ? 16
        : linktype === LINKTYPE_ETHERNET
          ? 14
          : -1;
  if (l2 < 0 || frame.length < l2 + 20) return undefined;
  const ip = frame.subarray(l2);
  let src: string, dst: string, tcp: Buffer;
  if (ip[0]! >> 4 === 4 && ip[9] === 6) {
    src = [...ip.subarray(12, 16)].join(".");
    dst = [...ip.subarray(16, 20)].join(".");
    tcp = ip.subarray((ip[0]! & 0x0f) * 4);
  } else if (ip[0]! >> 4 === 6 && ip.length >= 40 && ip[6] === 6) {
    const text = (b: Buffer) => canonicalIp(b.toString("hex").replace(/(.{4})(?!$)/g, "$1:"));
    src = text(ip.subarray(8, 24));
    dst = text(ip.subarray(24, 40));
    tcp = ip.subarray(40);
  } else return undefined;
  if (tcp.length < 14) return undefined;
  const flags = tcp[13]!;
  if (!(flags & 0x02) || flags & 0x10) return undefined; // SYN, not SYN-ACK
  return `${src}>${dst}:${tcp.readUInt16BE(2)}`;
}

/** Count pcap records and look for each token in the raw capture (headers never contain them). */
export function scanCapture(pcapFile: string, tokens: string[]): CaptureScan {
  let data: Buffer;
  try {
    data = readFileSync(pcapFile);
  } catch {
    data = Buffer.alloc(0);
  }
  let packets = 0;
  const syns = new Set<string>();
  if (data.length >= 24) {
    const le = data.readUInt32LE(0) === 0xa1b2c3d4 || data.readUInt32LE(0) === 0xa1b23c4d;
    const u32 = (o: number) => (le ? data.readUInt32LE(o) : data.readUInt32BE(o));
    const linktype = u32(20);
    let off = 24;
    while (off + 16 <= data.length) {
      const incl = u32(off + 8);
      const syn = synOf(data.subarray(off + 16, off + 16 + incl), linktype);
      if (syn) syns.add(syn);
      off += 16 + incl;
      packets++;
    }
  }
  // One pass over the capture collects every 32-hex-digit run (the shape of a body token);
  // other tokens (the canary) are searched for directly.
  const runs = new Set(data.toString("latin1").match(/(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])/g) ?? []);
  const found = new Map(tokens.map((t) => [t, /^[0-9a-f]{32}$/.test(t) ? runs.has(t) : data.includes(Buffer.from(t))]));
  return { bytes: data.length, packets, found, syns };
}

/** "N packets dropped by kernel" from tcpdump's closing statistics: a lossy capture proves nothing. */
export function droppedPackets(tcpdumpLog: string): number | undefined {
  const m = /(\d+) packets? dropped by kernel/.exec(tcpdumpLog);
  return m ? Number(m[1]) : undefined;
}

/** The tcpdump filter: the MTA-to-MTA hop only (the receiver's own address and every case
 *  address, IPv6 ones included), not the client's cleartext submission to the lab MTAs. */
export function smtpHopFilter(receiverIp: string): string {
  return `tcp port 25 and (host ${receiverIp} or net ${ALL_ENDPOINT_SUBNETS.join(" or net ")})`;
}
