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
