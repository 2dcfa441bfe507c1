import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanCapture } from "./capture.ts";

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

  it("lists the TCP connections opened, from SYNs in a Linux cooked v2 capture", () => {
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt32LE(276, 20); // LINKTYPE_LINUX_SLL2
    const frame = Buffer.alloc(20 + 20 + 20);
    const ip = frame.subarray(20);
    ip[0] = 0x45;
    ip[9] = 6;
    ip.set([192, 0, 2, 12], 12);
    ip.set([198, 51, 100, 7], 16);
    const tcp = ip.subarray(20);
    tcp.writeUInt16BE(25, 2);
    tcp[13] = 0x02; // SYN
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    const dir = mkdtempSync(join(tmpdir(), "cap-"));
    const f = join(dir, "syn.pcap");
    writeFileSync(f, Buffer.concat([header, rec, frame]));
    expect([...scanCapture(f, []).syns]).toEqual(["192.0.2.12>198.51.100.7:25"]);
    rmSync(dir, { recursive: true });
  });
});
