// Packet capture on the world's bridge, limited to SMTP to and from the receiving MTA.
// A body token found in these bytes crossed the wire in cleartext. A canary message sent in
// cleartext on purpose proves, for every world, that the capture would see such a leak.
import { readFileSync } from "node:fs";

export interface CaptureScan {
  bytes: number;
  packets: number;
  found: Map<string, boolean>;
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
  if (data.length >= 24) {
    const le = data.readUInt32LE(0) === 0xa1b2c3d4 || data.readUInt32LE(0) === 0xa1b23c4d;
    let off = 24;
    while (off + 16 <= data.length) {
      const incl = le ? data.readUInt32LE(off + 8) : data.readUInt32BE(off + 8);
      off += 16 + incl;
      packets++;
    }
  }
  // One pass over the capture collects every 32-hex-digit run (the shape of a body token);
  // other tokens (the canary) are searched for directly.
  const runs = new Set(data.toString("latin1").match(/(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])/g) ?? []);
  const found = new Map(tokens.map((t) => [t, /^[0-9a-f]{32}$/.test(t) ? runs.has(t) : data.includes(Buffer.from(t))]));
  return { bytes: data.length, packets, found };
}

/** The tcpdump filter: the MTA-to-MTA hop only, not the client's cleartext submission. */
export function smtpHopFilter(receiverIp: string): string {
  return `tcp port 25 and host ${receiverIp}`;
}
