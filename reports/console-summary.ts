// The end-of-run summary on the console: one line per cell, then a matrix of counts
// per sequence x implementation (stand-ins marked), read from results.json only.
import type { CellResult, Results } from "../harness/results/results.ts";
import { counts } from "../harness/results/results.ts";

function rosterLabel(c: CellResult): string {
  const r = c.roster.lab;
  const name = (role: string) => {
    const f = r[role];
    if (!f) return "-";
    return f.standInFor ? `${f.implementation} (stand-in for ${f.standInFor})` : `${f.implementation} ${f.version}`;
  };
  return `${name("mta-sender")} / ${name("authority")}+${name("resolver")}+${name("signer")}`;
}

export function consoleSummary(results: Results): string {
  const out: string[] = [];
  out.push("");
  out.push(
    `run ${results.runId}  profile ${results.profile}${results.options.weakenedSender ? "  (WEAKENED SENDER: opportunistic TLS)" : ""}`,
  );
  for (const c of results.cells) out.push(`  ${c.outcome.toUpperCase().padEnd(11)} ${c.id.padEnd(34)} ${c.reason}`);
  out.push("");
  const groups = new Map<string, CellResult[]>();
  for (const c of results.cells) {
    const key = `${c.sequence ? `seq ${c.sequence}` : c.scenario} | ${rosterLabel(c)}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  out.push("sequence | lab roster (sender / authority+resolver+signer)        pass fail unsup skip error stand-ins");
  for (const [key, cells] of groups) {
    const n = counts(cells);
    const standIns = new Set(
      cells.flatMap((c) =>
        Object.values({ ...c.roster.lab, ...c.roster.remote })
          .filter((f) => f.standInFor)
          .map((f) => f.implementation),
      ),
    );
    out.push(
      `${key.padEnd(60)} ${String(n.pass).padStart(4)} ${String(n.fail).padStart(4)} ${String(n.unsupported).padStart(5)} ${String(n.skipped).padStart(4)} ${String(n.error).padStart(5)} ${[...standIns].join(",") || "-"}`,
    );
  }
  const n = counts(results.cells);
  out.push("");
  out.push(
    `outcomes: pass ${n.pass}, fail ${n.fail}, error ${n.error}, unsupported ${n.unsupported}, skipped ${n.skipped}`,
  );
  return out.join("\n");
}
