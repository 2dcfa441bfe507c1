// SMIMEA (RFC 8162, type 53) for dns-packet, in this one place.
//
// dns-packet 5.6 does not know type 53: it decodes such a record as "UNKNOWN_53" with its raw
// RDATA, and it cannot encode the name "SMIMEA" (it writes type 0). SMIMEA's RDATA is TLSA's
// (RFC 8162 §2.1: usage, selector, matching type, certificate association data), and dns-packet
// has a TLSA codec. These wrappers of encode/decode translate at the edge, without touching
// dns-packet's own tables:
//   - an SMIMEA record's data (usage, selector, matchingType, certificate) <-> the raw RDATA that
//     dns-packet passes through for an unknown type, via dns-packet's TLSA codec;
//   - the type name "SMIMEA" <-> "UNKNOWN_53" wherever a type is named: questions, records,
//     RRSIG's typeCovered and NSEC/NSEC3 type bitmaps.
// Code that reads SMIMEA from the wire uses decode() from here; dnsPacket.decode() would still
// give "UNKNOWN_53" and a Buffer.
import dnsPacket from "dns-packet";
import type {
  Answer,
  DecodedPacket,
  Nsec3Data,
  NsecData,
  Packet,
  Question,
  RecordClass,
  RrsigData,
  TlsaData,
} from "dns-packet";

export const SMIMEA_TYPE = 53;
/** dns-packet's name for a type code it has no name for (types.js: 'UNKNOWN_' + code). */
const UNKNOWN_NAME = `UNKNOWN_${SMIMEA_TYPE}`;

export type SmimeaData = TlsaData;
export interface SmimeaAnswer {
  type: "SMIMEA";
  name: string;
  ttl?: number;
  class?: RecordClass;
  flush?: boolean;
  data: SmimeaData;
}
export type AnswerOrSmimea = Answer | SmimeaAnswer;
export type QuestionOrSmimea = Question | (Omit<Question, "type"> & { type: "SMIMEA" });
export interface SmimeaPacket extends Omit<Packet, "questions" | "answers" | "authorities" | "additionals"> {
  questions?: QuestionOrSmimea[];
  answers?: AnswerOrSmimea[];
  authorities?: AnswerOrSmimea[];
  additionals?: AnswerOrSmimea[];
}
export type DecodedSmimeaPacket = SmimeaPacket & Omit<DecodedPacket, keyof Packet>;

interface RdataCodec<T> {
  encode(data: T, buf?: Buffer, offset?: number): Buffer;
  decode(buf: Buffer, offset?: number): T;
}
const tlsaCodec = (dnsPacket as unknown as { tlsa?: RdataCodec<TlsaData> }).tlsa;
if (!tlsaCodec) throw new Error("dns-packet no longer exports its TLSA codec (dnsPacket.tlsa)");

const toWireName = (t: string) => (t.toUpperCase() === "SMIMEA" ? UNKNOWN_NAME : t);
const fromWireName = (t: string) => (t.toUpperCase() === UNKNOWN_NAME ? "SMIMEA" : t);

/** The RDATA alone: dns-packet's record codecs write a 2-octet RDLENGTH first. */
function smimeaRdata(data: SmimeaData): Buffer {
  return tlsaCodec!.encode(data).subarray(2);
}

function smimeaFromRdata(rdata: Buffer): SmimeaData {
  const withLength = Buffer.alloc(rdata.length + 2);
  withLength.writeUInt16BE(rdata.length, 0);
  rdata.copy(withLength, 2);
  const d = tlsaCodec!.decode(withLength);
  return {
    usage: d.usage,
    selector: d.selector,
    matchingType: d.matchingType,
    certificate: Buffer.from(d.certificate),
  };
}

type AnyRecord = { type: string; data?: unknown };

/** Rename the types a record names in its data (RRSIG, NSEC, NSEC3). */
function mapTypeNamesInData(r: AnyRecord, map: (t: string) => string): AnyRecord {
  if (r.type === "RRSIG" && r.data) {
    const d = r.data as RrsigData;
    return { ...r, data: { ...d, typeCovered: map(d.typeCovered) } };
  }
  if ((r.type === "NSEC" || r.type === "NSEC3") && r.data) {
    const d = r.data as NsecData | Nsec3Data;
    return { ...r, data: { ...d, rrtypes: d.rrtypes.map(map) } };
  }
  return r;
}

function recordToWire(r: AnyRecord): AnyRecord {
  if (r.type.toUpperCase() === "SMIMEA") return { ...r, type: UNKNOWN_NAME, data: smimeaRdata(r.data as SmimeaData) };
  return mapTypeNamesInData(r, toWireName);
}

function recordFromWire(r: AnyRecord): AnyRecord {
  if (r.type === UNKNOWN_NAME) return { ...r, type: "SMIMEA", data: smimeaFromRdata(r.data as Buffer) };
  return mapTypeNamesInData(r, fromWireName);
}

function mapPacket(p: SmimeaPacket, q: (t: string) => string, rec: (r: AnyRecord) => AnyRecord): SmimeaPacket {
  const list = (l?: AnswerOrSmimea[]) => l?.map((r) => rec(r as AnyRecord) as AnswerOrSmimea);
  return {
    ...p,
    questions: p.questions?.map((x) => ({ ...x, type: q(x.type) }) as QuestionOrSmimea),
    answers: list(p.answers),
    authorities: list(p.authorities),
    additionals: list(p.additionals),
  };
}

const toWire = (p: SmimeaPacket) => mapPacket(p, toWireName, recordToWire) as Packet;
const fromWire = (p: DecodedPacket) =>
  mapPacket(p as SmimeaPacket, fromWireName, recordFromWire) as DecodedSmimeaPacket;

/** dnsPacket.encode, knowing SMIMEA. */
export function encode(packet: SmimeaPacket): Buffer {
  return dnsPacket.encode(toWire(packet));
}

/** dnsPacket.decode, knowing SMIMEA. */
export function decode(buf: Buffer): DecodedSmimeaPacket {
  return fromWire(dnsPacket.decode(buf));
}

/** For DNS over TCP (a 2-octet length first): dnsPacket.streamEncode, knowing SMIMEA. */
export function streamEncode(packet: SmimeaPacket): Buffer {
  return dnsPacket.streamEncode(toWire(packet));
}

/** dnsPacket.streamDecode, knowing SMIMEA. */
export function streamDecode(buf: Buffer): DecodedSmimeaPacket {
  const p = dnsPacket.streamDecode(buf) as DecodedPacket | null;
  if (!p) throw new Error("incomplete DNS message: fewer octets than its length prefix says");
  return fromWire(p);
}
