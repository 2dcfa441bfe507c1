// The interoperability matrix as one self-contained HTML page, from results.json only:
// rows are sequences x cases, columns are sender MTA x DNS stack; each cell links to its evidence.
import type { CellResult, Results } from "../harness/results/results.ts";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The S/MIME verifiers' verdicts in a cell, compact: "O✔ N✔ G–" (OpenSSL, NSS, GnuPG). */
const VERDICT_MARK: Record<string, string> = { valid: "✔", invalid: "✘", untrusted: "⊘", unsupported: "–", error: "!" };
function verifierMarks(c: CellResult): string {
  const vs = c.observed?.smime?.verifiers ?? [];
  if (vs.length === 0) return "";
  const marks = vs.map((v) => `${v.verifier[0]!.toUpperCase()}${VERDICT_MARK[v.verdict] ?? "?"}`).join(" ");
  const title = vs.map((v) => `${v.verifier}: ${v.verdict}${v.reason ? ` (${v.reason})` : ""}`).join("; ");
  return `<br><small class="verifiers" title="${esc(title)}">${marks}</small>`;
}

function column(c: CellResult): string {
  return c.id.slice(c.id.indexOf("@") + 1);
}

function columnTitle(c: CellResult): string {
  const s = c.roster.lab["mta-sender"];
  const a = c.roster.lab.authority;
  const label = (f: typeof s) =>
    f ? `${f.as ?? f.implementation}${f.standInFor ? ` (stand-in: ${f.implementation})` : ""} ${f.version}` : "?";
  return `${label(s)} / ${label(a)}`;
}

export function htmlMatrix(results: Results): string {
  const columns = [...new Set(results.cells.map(column))].sort();
  const titles = new Map(results.cells.map((c) => [column(c), columnTitle(c)]));
  const rows = [...new Set(results.cells.map((c) => c.caseId))];
  const at = new Map(results.cells.map((c) => [`${c.caseId}@${column(c)}`, c]));
  const counts = new Map<string, number>();
  for (const c of results.cells) counts.set(c.outcome, (counts.get(c.outcome) ?? 0) + 1);
  const head = columns
    .map((k) => `<th title="${esc(titles.get(k) ?? k)}">${esc(k).replace("/", "<br>")}</th>`)
    .join("");
  const body = rows
    .map((r) => {
      const cells = columns
        .map((k) => {
          const c = at.get(`${r}@${k}`);
          if (!c) return "<td></td>";
          const mark = { pass: "✔", fail: "✘", error: "!", unsupported: "–", skipped: "·" }[c.outcome];
          return `<td class="${c.outcome}${c.canonical ? " canonical" : ""}" title="${esc(c.reason)}"><a href="${esc(c.evidence)}/verdict.txt">${mark}</a>${verifierMarks(c)}</td>`;
        })
        .join("");
      return `<tr><th class="case">${esc(r)}</th>${cells}</tr>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nccoe-harness run ${esc(results.runId)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 6px;text-align:center}
th.case{text-align:left;font-weight:normal;font-family:monospace}td.pass{background:#d9f2d9}td.fail{background:#f7c6c6}td.error{background:#f9e2a8}
td.unsupported,td.skipped{background:#eee}small.verifiers{font-size:10px;white-space:nowrap}td.canonical{outline:2px solid #333;outline-offset:-3px}a{color:inherit;text-decoration:none}
</style></head><body>
<h1>DANE interoperability matrix</h1>
<p>Run ${esc(results.runId)}, profile <b>${esc(results.profile)}</b>, ${esc(results.started)} to ${esc(results.finished)}${results.options.weakenedSender ? ", <b>weakened sender</b>" : ""}.
${[...counts].map(([k, v]) => `${k}: ${v}`).join(", ")}. Framed cells use the guide's own roster; stand-ins are named in the column titles. Each mark links to its verdict and evidence. Under an S/MIME cell, each independent verifier's verdict: O = OpenSSL cms, N = NSS cmsutil, G = GnuPG gpgsm; ✔ valid, ✘ invalid, ⊘ untrusted, – unsupported, ! error.</p>
<table><tr><th>case \\ sender / DNS stack</th>${head}</tr>
${body}
</table></body></html>
`;
}
