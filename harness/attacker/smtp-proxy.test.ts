import { describe, expect, it } from "vitest";
import { removeCapability } from "./smtp-proxy.ts";

describe("the attacker's EHLO rewriting", () => {
  const ehlo = "250-mta.remote.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250-8BITMIME\r\n250 CHUNKING\r\n";

  it("removes STARTTLS and keeps the reply well formed", () => {
    expect(removeCapability(ehlo, "STARTTLS")).toBe(
      "250-mta.remote.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 CHUNKING\r\n",
    );
  });

  it("removes the last extension and turns the new last line into '250 '", () => {
    expect(removeCapability(ehlo, "CHUNKING")).toBe(
      "250-mta.remote.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n",
    );
  });

  it("leaves other replies alone", () => {
    expect(removeCapability("220 mta ESMTP\r\n", "STARTTLS")).toBe("220 mta ESMTP\r\n");
  });
});
