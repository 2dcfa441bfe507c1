import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanCapture } from "./capture.ts";
import { endpointAddr6, senderAddr6 } from "../plan/addressing.ts";

function pcap(payloads: string[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  const records = payloads.map((p) => {
    const data = Buffer.from(p);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(data.length, 8);
    rec.writeUInt32LE(data.length, 12);
    return Buffer.concat([rec, data]);
  });
  return Buffer.concat([header, ...records]);
}

describe("capture scan", () => {
  it("counts packets and finds a token that crossed in cleartext", () => {
    const dir = mkdtempSync(join(tmpdir(), "cap-"));
    const f = join(dir, "x.pcap");
    const tok = "0123456789abcdef0123456789abcdef";
    writeFileSync(f, pcap(["EHLO x", `Body token: ${tok}\n`, "canary42"]));
    const s = scanCapture(f, [tok, "fedcba9876543210fedcba9876543210", "canary42", "canary43"]);
    rmSync(dir, { recursive: true });
    expect(s.packets).toBe(3);
    expect(s.found.get(tok)).toBe(true);
    expect(s.found.get("fedcba9876543210fedcba9876543210")).toBe(false);
    expect(s.found.get("canary42")).toBe(true);
    expect(s.found.get("canary43")).toBe(false);
  });

  it("treats a missing capture as empty, so nothing is ever found by accident", () => {
    expect(scanCapture("/nonexistent.pcap", ["a"]).found.get("a")).toBe(false);
  });
});

describe("capture health", () => {
  it("reads the kernel's drop count from tcpdump's closing statistics", async () => {
    const { droppedPackets } = await import("./capture.ts");
    expect(droppedPackets("137 packets captured\n144 packets received by filter\n6 packets dropped by kernel\n")).toBe(
      6,
    );
    expect(droppedPackets("0 packets dropped by kernel")).toBe(0);
    expect(droppedPackets("tcpdump killed")).toBeUndefined();
  });

  /** The SYNs scanCapture finds in a Linux cooked v2 capture of these IP packets. */
  function synsIn(packets: Buffer[]): string[] {
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt32LE(276, 20); // LINKTYPE_LINUX_SLL2
    const records = packets.flatMap((ip) => {
      const rec = Buffer.alloc(16);
      rec.writeUInt32LE(20 + ip.length, 8);
      rec.writeUInt32LE(20 + ip.length, 12);
      return [rec, Buffer.alloc(20), ip];
    });
    const dir = mkdtempSync(join(tmpdir(), "cap-"));
    const f = join(dir, "syn.pcap");
    writeFileSync(f, Buffer.concat([header, ...records]));
    const syns = [...scanCapture(f, []).syns];
    rmSync(dir, { recursive: true });
    return syns;
  }
  /** An IP header (the version's size), then a TCP header to port 25 with these flags. */
  function packet(version: 4 | 6, src: Buffer, dst: Buffer, flags: number): Buffer {
    const ip = Buffer.alloc((version === 4 ? 20 : 40) + 20);
    if (version === 4) {
      ip[0] = 0x45;
      ip[9] = 6;
      ip.set(src, 12);
      ip.set(dst, 16);
    } else {
      ip[0] = 0x60;
      ip[6] = 6; // next header: TCP
      ip.set(src, 8);
      ip.set(dst, 24);
    }
    const tcp = ip.subarray(version === 4 ? 20 : 40);
    tcp.writeUInt16BE(25, 2);
    tcp[13] = flags;
    return ip;
  }

  it("lists the TCP connections opened, from SYNs in a Linux cooked v2 capture", () => {
    const syn = packet(4, Buffer.from([192, 0, 2, 12]), Buffer.from([198, 51, 100, 7]), 0x02);
    expect(synsIn([syn])).toEqual(["192.0.2.12>198.51.100.7:25"]);
  });

  it("lists IPv6 connections too, with the addresses written as the plan writes them", () => {
    const src = Buffer.from("fd000000000000020000000000000012", "hex");
    const dst = Buffer.from("fd00000000000100000000000000001a", "hex");
    // The SYN-ACK is no connection opened.
    expect(synsIn([packet(6, src, dst, 0x02), packet(6, dst, src, 0x12)])).toEqual([
      `${senderAddr6(0)}>${endpointAddr6(25)}:25`,
    ]);
  });
});
