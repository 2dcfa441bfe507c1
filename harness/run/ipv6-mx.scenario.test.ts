// An MX host with only an IPv6 address, on real daemons: both senders reach it over IPv6 with
// DANE-verified TLS (the capture saw the fd00:: connection), and each bogus AAAA RRset (altered,
// expired, not yet valid or missing signature) withholds the mail without a connection.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canRunDaemons, runForTest } from "./scenario-support.ts";

const repoRoot = join(import.meta.dirname, "..", "..");
const ready = canRunDaemons(
  ["postfix", "nsd", "unbound", "dovecot", "ods-enforcer", "tcpdump"],
  ["/opt/nccoe-harness/unpacked/exim4-daemon-light/usr/sbin/exim4"],
);

describe.skipIf(!ready)("an IPv6-only MX host on real daemons (needs root and the packages)", () => {
  it("is reached over IPv6 by Postfix and Exim, and a bogus AAAA RRset withholds the mail", async () => {
    const { results, leftovers } = await runForTest(repoRoot, {
      catalogues: ["dns-faults"],
      cases: ["dns-faults/valid-child-ipv6", "dns-faults/aaaa-*"],
      mta: ["postfix", "exim"],
    });
    expect(results.cells.length).toBe(10); // 5 cases x 2 senders
    for (const c of results.cells) expect(c.outcome, `${c.id}: ${c.reason}`).toBe("pass");
    for (const c of results.cells.filter((x) => x.caseId === "dns-faults/valid-child-ipv6")) {
      expect(c.observed?.delivery).toBe("delivered");
      expect(c.observed?.tls).toBe("verified");
      // Over IPv6, from the sender's own fd00:: address, and captured: no cleartext is observed.
      expect(
        c.observed?.evidence.some((l) => /\[fd00:0:0:100::[0-9a-f]+\]/.test(l)),
        c.id,
      ).toBe(true);
      expect(
        c.observed?.evidence.some((l) => /connection fd00:0:0:2::1\d>fd00:0:0:100::[0-9a-f]+:25 was captured/.test(l)),
        c.id,
      ).toBe(true);
    }
    for (const c of results.cells.filter((x) => x.caseId.startsWith("dns-faults/aaaa-"))) {
      expect(c.observed?.delivery, c.id).toBe("withheld");
      expect(c.observed?.cleartext, c.id).toBe(false);
    }
    expect(leftovers).toEqual([]);
  });
});
