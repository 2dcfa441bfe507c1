import { describe, expect, it } from "vitest";
import { smtpHopFilter } from "./capture.ts";

describe("the capture filter", () => {
  it("covers the receiver and every case address, on port 25 only", () => {
    expect(smtpHopFilter("192.0.2.22")).toBe(
      "tcp port 25 and (host 192.0.2.22 or net 198.51.100.0/24 or net 203.0.113.0/24 or net fd00:0:0:100::/64)",
    );
  });
});
