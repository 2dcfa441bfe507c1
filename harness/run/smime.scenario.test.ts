// The S/MIME catalogue on real daemons (Postfix, Dovecot, NSD + Unbound + OpenDNSSEC, and the
// three verifiers): every case as expected; then a deliberately weakened receiving client (no
// SMIMEA binding, no cryptographic check) turns the tampered, mismatched and impostor cases red.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canRunDaemons, runForTest } from "./scenario-support.ts";

const repoRoot = join(import.meta.dirname, "..", "..");
const ready = canRunDaemons(["postfix", "nsd", "unbound", "dovecot", "ods-enforcer", "openssl", "cmsutil", "gpgsm"]);

const runSmime = (weakenMua: boolean) => runForTest(repoRoot, { catalogues: ["smime"] }, { weakenMua });

describe.skipIf(!ready)("the S/MIME catalogue on real daemons (needs root and the Debian packages)", () => {
  it("passes every case, with the verifiers' verdicts recorded, and leaves nothing behind", async () => {
    const { results, byId, leftovers } = await runSmime(false);
    expect(results.cells.length).toBeGreaterThanOrEqual(13);
    for (const c of results.cells) expect(`${c.id}: ${c.outcome} ${c.reason}`).toMatch(/: pass /);
    const signed = byId.get("smime/signed-matching")!;
    expect(signed.observed?.smime?.trust).toBe("dane");
    expect(signed.observed?.smime?.verifiers.find((v) => v.verifier === "openssl-cms")?.verdict).toBe("valid");
    expect(byId.get("smime/encrypted")!.observed?.smime?.decrypted).toBe(true);
    expect(byId.get("smime/encrypt-recipient-bogus")!.observed?.smime?.refused).toMatch(/SERVFAIL/);
    expect(leftovers).toEqual([]);
  });

  it("goes red with a weakened receiving client: tampered, mismatched and impostor cases fail", async () => {
    const { byId } = await runSmime(true);
    for (const id of ["smime/tampered-body", "smime/signer-not-matching", "smime/impostor"])
      expect(`${id}: ${byId.get(id)!.outcome}`).toBe(`${id}: fail`);
    expect(byId.get("smime/signed-matching")!.outcome).toBe("pass");
  });
});
