// Ask a validating resolver for an address's SMIMEA RRset (RFC 8162) with DO=1, as a mail client
// does through its site's resolver: UDP, then TCP when the answer is truncated. Returns the
// resolver's verdict (rcode and AD bit), the records, and the answer as text for the evidence.
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { randomInt } from "node:crypto";
import { decode, encode, streamDecode, streamEncode, type DecodedSmimeaPacket } from "./dns-packet-smimea.ts";
import type { SmimeaAnswer } from "./binding.ts";
import type { SmimeaData } from "./dns-packet-smimea.ts";
import { smimeaOwnerForAddress } from "./smimea-owner.ts";

const DNSSEC_OK = 1 << 15;
const FLAG_RD = 1 << 8;

function query(name: string) {
  return {
    type: "query" as const,
    id: randomInt(1, 65535),
    flags: FLAG_RD,
    questions: [{ type: "SMIMEA" as const, name, class: "IN" as const }],
    additionals: [
      {
        type: "OPT" as const,
        name: ".",
        udpPayloadSize: 4096,
        flags: DNSSEC_OK,
        extendedRcode: 0,
        ednsVersion: 0,
        flag_do: true,
        options: [],
      },
    ],
  };
}

function overUdp(server: string, packet: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket("udp4");
    const timer = setTimeout(() => (sock.close(), reject(new Error("TIMEOUT"))), timeoutMs);
    sock.once("message", (msg) => (clearTimeout(timer), sock.close(), resolve(msg)));
    sock.once("error", (e) => (clearTimeout(timer), sock.close(), reject(e)));
    sock.send(packet, 53, server);
  });
}

function overTcp(server: string, packet: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect(53, server, () => s.end(packet));
    s.setTimeout(timeoutMs, () => (s.destroy(), reject(new Error("TIMEOUT"))));
    s.on("data", (d) => chunks.push(d));
    s.once("error", reject);
    s.once("close", () => resolve(Buffer.concat(chunks)));
  });
}

/** The decoded packet as dns-packet really returns it (its types leave out rcode and the flags). */
interface Loose {
  rcode?: string;
  answers?: { type: string; name: string; ttl?: number; data?: unknown }[];
  [flag: `flag_${string}`]: boolean | undefined;
}
const loose = (p: DecodedSmimeaPacket) => p as unknown as Loose;

function describe(p: Loose): string {
  const flags = ["qr", "aa", "tc", "rd", "ra", "ad", "cd"].filter((f) => p[`flag_${f}`]);
  const rr = (p.answers ?? []).map((a) => {
    const d = a.data as unknown;
    if (a.type === "SMIMEA") {
      const s = d as SmimeaData;
      return `${a.name}. ${a.ttl} IN SMIMEA ${s.usage} ${s.selector} ${s.matchingType} ${s.certificate.toString("hex").toUpperCase()}`;
    }
    if (a.type === "RRSIG") {
      const r = d as {
        typeCovered: string;
        algorithm: number;
        keyTag: number;
        signersName: string;
        expiration: number;
        inception: number;
      };
      return `${a.name}. ${a.ttl} IN RRSIG ${r.typeCovered} ${r.algorithm} key ${r.keyTag} signer ${r.signersName}. valid ${new Date(r.inception * 1000).toISOString()} to ${new Date(r.expiration * 1000).toISOString()}`;
    }
    return `${a.name}. ${a.ttl} IN ${a.type}`;
  });
  return [`;; rcode ${p.rcode}, flags ${flags.join(" ")}`, ...rr].join("\n");
}

export interface SmimeaLookup extends SmimeaAnswer {
  owner: string;
  server: string;
  text: string;
}

export async function lookupSmimea(server: string, address: string, timeoutMs = 4000): Promise<SmimeaLookup> {
  const owner = smimeaOwnerForAddress(address);
  const q = query(owner);
  let p: Loose;
  try {
    p = loose(decode(await overUdp(server, encode(q), timeoutMs)));
    if (p.flag_tc) p = loose(streamDecode(await overTcp(server, streamEncode(q), timeoutMs)));
  } catch (e) {
    const rcode = (e as Error).message === "TIMEOUT" ? "TIMEOUT" : "ERROR";
    return {
      owner,
      server,
      rcode,
      ad: false,
      records: [],
      text: `;; no answer from ${server}: ${(e as Error).message}`,
    };
  }
  const rc = p.rcode ?? "ERROR";
  const records = (p.answers ?? []).filter((a) => a.type === "SMIMEA" && a.name.toLowerCase() === owner.toLowerCase());
  return {
    owner,
    server,
    rcode: rc,
    ad: !!p.flag_ad,
    records: records.map((a) => a.data as SmimeaData),
    text: `;; SMIMEA ${owner} from ${server}\n${describe(p)}`,
  };
}
