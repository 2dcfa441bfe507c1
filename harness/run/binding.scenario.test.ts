// A binding really replaces a stand-in: Exchange's role in sequence 16 is bound to a second
// harness-run MTA (Exim) as if it were the external product, and the cells run on it.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAll } from "../cli/load-all.ts";
import { newRunId } from "../driver/netns/names.ts";
import { runPlan } from "./run-plan.ts";
import { canRunDaemons } from "./scenario-support.ts";

const repoRoot = join(import.meta.dirname, "..", "..");
const ready = canRunDaemons(
  ["postfix", "named", "ods-enforcer", "tcpdump"],
  ["/opt/nccoe-harness/unpacked/exim4-daemon-light/usr/sbin/exim4"],
);

describe("bindings of external products", () => {
  const dir = mkdtempSync(join(tmpdir(), "nccoe-bindings-"));
  const file = join(dir, "bindings.yaml");
  writeFileSync(file, "exchange:\n  implementation: exim\n  note: a second harness-run MTA plays Exchange\n");
  const opts = {
    sequences: [16],
    cases: ["seq16/dane-ee-valid", "seq16/dane-ee-wrong-digest"],
    profile: "rfc7672" as const,
    mta: ["exchange"],
    dns: ["ad-dns"],
    bindingsFile: file,
  };

  it("plans the bound implementation, labelled as bound, not as a stand-in", () => {
    const { worlds } = loadAll(repoRoot, opts);
    const cells = worlds.flatMap((w) => w.cells);
    expect(cells).toHaveLength(2);
    for (const c of cells) expect(c.sender.fill).toEqual({ name: "exchange", impl: "exim", bound: true });
  });

  it("refuses a binding to something that cannot fill the product's roles", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "exchange:\n  implementation: unbound\n");
    expect(() => loadAll(repoRoot, { ...opts, bindingsFile: bad })).toThrow(
      /bad\.yaml: exchange\.implementation: 'unbound' cannot fill the role 'mta-sender'/,
    );
    writeFileSync(bad, "postfix:\n  implementation: exim\n");
    expect(() => loadAll(repoRoot, { ...opts, bindingsFile: bad })).toThrow(
      /bad\.yaml: postfix: 'postfix' is not an external product/,
    );
  });

  it.skipIf(!ready)("runs the bound product's cells on the bound daemon (needs root and the packages)", async () => {
    const { worlds, envs } = loadAll(repoRoot, opts);
    const runId = newRunId();
    const runDir = mkdtempSync(join(tmpdir(), `nccoe-test-${runId}-`));
    const r = await runPlan(worlds, envs, {
      runId,
      runDir,
      repoRoot,
      profile: "rfc7672",
      weakenSender: false,
      imapPassword: randomBytes(6).toString("hex"),
      progress: () => undefined,
    });
    for (const c of r.cells) {
      expect(c.roster.lab["mta-sender"]).toMatchObject({ implementation: "exim", as: "exchange", bound: true });
      expect(c.outcome, c.reason).toBe("pass");
      // Exim's own log lines, not Postfix's, are what the verdict rests on.
      expect(c.observed?.evidence.some((l) => /sender: .*(=>|==) bob@/.test(l))).toBe(true);
    }
    rmSync(runDir, { recursive: true, force: true });
  });
});
