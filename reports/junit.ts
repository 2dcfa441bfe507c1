// JUnit XML from results.json: one <testsuite> per scenario, one <testcase> per cell, for CI tools.
import type { CellResult, Results } from "../harness/results/results.ts";

const esc = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "");

function testcase(c: CellResult): string {
  const attrs = `name="${esc(c.id)}" classname="${esc(c.scenario)}" time="${c.durationSeconds}"`;
  const body =
    c.outcome === "pass"
      ? ""
      : c.outcome === "fail"
        ? `<failure message="${esc(c.reason)}" type="fail"/>`
        : c.outcome === "error"
          ? `<error message="${esc(c.reason)}" type="error"/>`
          : `<skipped message="${esc(`${c.outcome}: ${c.reason}`)}"/>`;
  const props = [
    ["case", c.caseId],
    ["evidence", c.evidence],
    ["rule", c.expected.rule],
    ["nist-dane-tester", c.refs.nist.join(" ")],
    ...Object.entries(c.roster.lab).map(([role, f]) => [
      `lab.${role}`,
      `${f.implementation} ${f.version}${f.standInFor ? ` (stand-in for ${f.standInFor})` : ""}`,
    ]),
  ];
  const properties = `<properties>${props.map(([k, v]) => `<property name="${esc(k!)}" value="${esc(v!)}"/>`).join("")}</properties>`;
  return `    <testcase ${attrs}>${properties}${body}</testcase>`;
}

export function junitXml(results: Results): string {
  const byScenario = new Map<string, CellResult[]>();
  for (const c of results.cells) byScenario.set(c.scenario, [...(byScenario.get(c.scenario) ?? []), c]);
  const suites = [...byScenario].map(([scenario, cells]) => {
    const n = (o: string) => cells.filter((c) => c.outcome === o).length;
    const time = cells.reduce((t, c) => t + c.durationSeconds, 0).toFixed(3);
    return `  <testsuite name="${esc(scenario)}" tests="${cells.length}" failures="${n("fail")}" errors="${n("error")}" skipped="${n("skipped") + n("unsupported")}" time="${time}">\n${cells.map(testcase).join("\n")}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="nccoe-harness run ${esc(results.runId)}">\n${suites.join("\n")}\n</testsuites>\n`;
}
