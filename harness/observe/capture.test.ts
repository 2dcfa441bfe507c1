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
    writeFileSync(f, pcap(["EHLO x", "Body token: abc123"]));
    const s = scanCapture(f, ["abc123", "zzz999"]);
    rmSync(dir, { recursive: true });
    expect(s.packets).toBe(2);
    expect(s.found.get("abc123")).toBe(true);
    expect(s.found.get("zzz999")).toBe(false);
  });

  it("treats a missing capture as empty, so nothing is ever found by accident", () => {
    expect(scanCapture("/nonexistent.pcap", ["a"]).found.get("a")).toBe(false);
  });
});
