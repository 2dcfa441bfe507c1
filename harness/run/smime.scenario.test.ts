// The S/MIME catalogue on real daemons (Postfix, Dovecot, NSD + Unbound + OpenDNSSEC, and the
// three verifiers): every case as expected; then a deliberately weakened receiving client (no
// SMIMEA binding, no cryptographic check) turns the tampered, mismatched and impostor cases red.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAll } from "../cli/load-all.ts";
import { listNamespaces } from "../driver/netns/network.ts";
import { newRunId } from "../driver/netns/names.ts";
import { runPlan } from "./run-plan.ts";
import { canRunDaemons } from "./scenario-support.ts";

const repoRoot = join(import.meta.dirname, "..", "..");
const ready = canRunDaemons(["postfix", "nsd", "unbound", "dovecot", "ods-enforcer", "openssl", "cmsutil", "gpgsm"]);

async function runSmime(weakenMua: boolean) {
  const loaded = loadAll(repoRoot, {
    catalogues: ["smime"],
    cases: [],
    profile: "rfc7672",
    mta: ["postfix"],
    dns: ["nsd+unbound+opendnssec"],
  });
  const runId = newRunId();
  const results = await runPlan(loaded.worlds, loaded.envs, {
    runId,
    runDir: mkdtempSync(join(tmpdir(), `nccoe-test-${runId}-`)),
    repoRoot,
    profile: "rfc7672",
    weakenSender: false,
    weakenMua,
    imapPassword: randomBytes(6).toString("hex"),
    progress: () => undefined,
  });
  const leftovers = (await listNamespaces()).filter((n) => n.includes(runId));
  return { results, leftovers, byId: new Map(results.cells.map((c) => [c.caseId, c])) };
}

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
