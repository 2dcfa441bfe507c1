// Allure results (one JSON file per cell) from results.json; `allure generate` (allure-commandline)
// turns the folder into the Allure HTML report.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Results } from "../harness/results/results.ts";

const STATUS = { pass: "passed", fail: "failed", error: "broken", unsupported: "skipped", skipped: "skipped" } as const;

export function allureResults(results: Results, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const start = Date.parse(results.started);
  for (const c of results.cells) {
    const uuid = createHash("sha256").update(`${results.runId}/${c.id}`).digest("hex").slice(0, 32);
    const labels = [
      { name: "parentSuite", value: c.sequence ? `sequence ${c.sequence}` : c.scenario },
      { name: "suite", value: c.caseId },
      { name: "subSuite", value: c.id.slice(c.id.indexOf("@") + 1) },
      ...Object.entries(c.roster.lab).map(([role, f]) => ({
        name: "tag",
        value: `${role}:${f.implementation}${f.standInFor ? ` (stand-in for ${f.standInFor})` : ""}`,
      })),
      ...c.refs.nist.map((n) => ({ name: "tag", value: `nist-${n}` })),
    ];
    const result = {
      uuid,
      historyId: createHash("sha256").update(c.id).digest("hex").slice(0, 32),
      name: c.id,
      fullName: c.id,
      status: STATUS[c.outcome],
      statusDetails: { message: c.reason },
      description: `Rule: ${c.expected.rule}\n\nEvidence: ${c.evidence}`,
      labels,
      parameters: [{ name: "profile", value: c.profile }],
      start,
      stop: start + Math.round(c.durationSeconds * 1000),
    };
    writeFileSync(join(dir, `${uuid}-result.json`), JSON.stringify(result));
  }
  return dir;
}
