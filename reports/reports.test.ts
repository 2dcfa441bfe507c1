import { describe, expect, it } from "vitest";
import type { CellResult, Results } from "../harness/results/results.ts";
import { htmlMatrix } from "./html-matrix.ts";
import { junitXml } from "./junit.ts";

const cell = (id: string, outcome: CellResult["outcome"]): CellResult => ({
  id,
  caseId: id.split("@")[0]!,
  canonical: id.includes("postfix"),
  scenario: "seq17",
  sequence: 17,
  world: "w1",
  profile: "rfc7672",
  roster: { lab: { "mta-sender": { implementation: "postfix", title: "Postfix", version: "3.7.11" } }, remote: {} },
  expected: { rule: "RFC 7672 §2.2", accept: [{ delivery: "withheld" }] },
  outcome,
  reason: outcome === "pass" ? "ok" : "expected withheld; observed delivered <cleartext>",
  durationSeconds: 0.5,
  refs: { rfc: [], nist: [401] },
  evidence: `cells/${id}`,
});

const results: Results = {
  schema: "nccoe-harness/results@1",
  runId: "abc123",
  driver: "netns",
  profile: "rfc7672",
  started: "2026-11-29T00:00:00Z",
  finished: "2026-11-29T00:00:10Z",
  options: { weakenedSender: false },
  worlds: [],
  cells: [cell("seq17/a@postfix/bind", "pass"), cell("seq17/a@exim/bind", "fail"), cell("seq17/b@exim/bind", "error")],
  peakRssMiB: 100,
};

describe("reporters", () => {
  it("JUnit counts failures and errors and escapes reasons", () => {
    const xml = junitXml(results);
    expect(xml).toContain('tests="3" failures="1" errors="1"');
    expect(xml).toContain("&lt;cleartext&gt;");
  });

  it("the HTML matrix has one row per case and one column per roster, linking evidence", () => {
    const html = htmlMatrix(results);
    expect(html.match(/<tr><th class="case">/g)).toHaveLength(2);
    expect(html).toContain('href="cells/seq17/a@exim/bind/verdict.txt"');
    expect(html).toContain('class="fail"');
  });
});

describe("the S/MIME verifier summary", () => {
  it("counts each verifier's verdicts and names a dissent", async () => {
    const { verifierSummary } = await import("./verifier-summary.ts");
    const cell = (id: string, trust: "dane" | "none", verdict: "valid" | "untrusted") =>
      ({
        id,
        expected: { rule: "r", accept: [{ delivery: "delivered", smime: { signature: "valid", trust: [trust] } }] },
        observed: { smime: { verifiers: [{ verifier: "openssl-cms", verdict, reason: "" }] } },
      }) as never;
    const lines = verifierSummary([cell("a", "dane", "valid"), cell("b", "none", "valid")]);
    expect(lines[1]).toMatch(/^openssl-cms\s+2\s+0\s+0\s+0\s+0\s+1\/2$/);
    expect(lines[2]).toBe("  DISSENT openssl-cms: b");
  });
});

describe("the HTML matrix with S/MIME cells", () => {
  it("shows each verifier's verdict under the cell", () => {
    const smimeCell = {
      ...results.cells[0]!,
      observed: {
        ...(results.cells[0]!.observed ?? {}),
        smime: {
          reason: "",
          verifiers: [
            { verifier: "openssl-cms", verdict: "valid", reason: "" },
            { verifier: "gpgsm", verdict: "unsupported", reason: "not self-signed" },
          ],
        },
      },
    } as never;
    const html = htmlMatrix({ ...results, cells: [smimeCell] });
    expect(html).toContain(
      '<small class="verifiers" title="openssl-cms: valid; gpgsm: unsupported (not self-signed)">O✔ G–</small>',
    );
  });
});
