// Sequence 17 on real daemons: the DANE-EE case and its negative twin pass; a deliberately
// weakened sender (opportunistic TLS, no DANE) turns both red, which proves the suite can fail.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canRunDaemons, runForTest } from "./scenario-support.ts";

const repoRoot = join(import.meta.dirname, "..", "..");
const ready = canRunDaemons(["postfix", "nsd", "unbound", "dovecot", "ods-enforcer", "tcpdump"]);

// The canonical roster only: Postfix with NSD + Unbound + OpenDNSSEC.
const runSeq17 = (weakenSender: boolean, weakenLevel: "may" | "none" = "may", cases: string[] = []) =>
  runForTest(repoRoot, { sequences: [17], cases }, { weakenSender, weakenLevel });

describe.skipIf(!ready)("sequence 17 on real daemons (needs root and the Debian packages)", () => {
  it("delivers over DANE-verified TLS, withholds on a wrong digest, and leaves nothing behind", async () => {
    const { byId, leftovers, results } = await runSeq17(false);
    const valid = byId.get("seq17/dane-ee-valid")!;
    const twin = byId.get("seq17/dane-ee-wrong-digest")!;
    expect(valid.reason).toContain("delivered, TLS verified, no cleartext");
    expect(valid.outcome).toBe("pass");
    // The capture saw this cell's own connection, so "no cleartext" was observed, not assumed.
    expect(
      valid.observed?.evidence.some((l) => /connection 192\.0\.2\.12>198\.51\.100\.\d+:25 was captured/.test(l)),
    ).toBe(true);
    expect(twin.reason).toContain("withheld, TLS verification-failed, no cleartext");
    expect(twin.outcome).toBe("pass");
    expect(results.worlds[0]?.capture?.canarySeen).toBe(true);
    expect(valid.roster.lab["signer"]?.implementation).toBe("opendnssec");
    expect(leftovers).toEqual([]);
  });

  it("the packet capture catches a sender that sends in cleartext", async () => {
    const { byId, leftovers } = await runSeq17(true, "none", ["seq17/dane-ee-valid", "seq17/dane-ee-wrong-digest"]);
    for (const id of ["seq17/dane-ee-valid", "seq17/dane-ee-wrong-digest"]) {
      const c = byId.get(id)!;
      expect(c.outcome, c.reason).toBe("fail");
      expect(c.observed?.cleartext).toBe(true);
      expect(c.reason).toContain("sent in CLEARTEXT");
    }
    expect(leftovers).toEqual([]);
  });

  it("goes red when the sender is weakened to opportunistic TLS", async () => {
    const { byId, leftovers } = await runSeq17(true);
    expect(byId.get("seq17/dane-ee-valid")?.outcome).toBe("fail");
    expect(byId.get("seq17/dane-ee-wrong-digest")?.outcome).toBe("fail");
    expect(byId.get("seq17/dane-ee-wrong-digest")?.observed?.delivery).toBe("delivered");
    expect(leftovers).toEqual([]);
  });
});
