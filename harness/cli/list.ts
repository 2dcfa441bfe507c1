// `run --list`: the plan, one cell a line, without bringing anything up.
import type { WorldPlan } from "../plan/plan.ts";
import type { Fill } from "../plan/stacks.ts";
import { describeExpectation } from "../judge/judge.ts";

export function fillLabel(f: Fill): string {
  const runs = f.impl === f.name ? f.name : `${f.impl} as ${f.name}`;
  return f.standInFor ? `${runs} (stand-in for ${f.standInFor})` : runs;
}

export function formatPlan(worlds: WorldPlan[]): string {
  const lines: string[] = [];
  let n = 0;
  let experiments = 0;
  for (const w of worlds) {
    const st = w.stack;
    lines.push(
      `# world ${w.id}: DNS ${st.authority}/${st.resolver}/${st.signer} at both sites; senders ${w.senders.map((s) => fillLabel(s.fill)).join(", ")}; receiver ${w.receiver.mta}+${w.receiver.mda}; ${w.cases.length} receiver addresses`,
    );
    for (const c of w.cells) {
      n++;
      if (!c.sameAs) experiments++;
      const tlsa =
        c.case.tlsa
          .map(
            (t) =>
              `${t.usage} ${t.selector} ${t.matching}${t.of ? ` of ${t.of}` : ""}${t.fault ? ` (${t.fault})` : ""}`,
          )
          .join(", ") || "none";
      const dns = c.case.dnsFault && c.case.dnsFault !== "none" ? `  DNS ${c.case.dnsFault}` : "";
      const cname = c.case.cname
        ? `  CNAME ${Object.entries(c.case.cname)
            .map(([k, v]) => `${k}=${Array.isArray(v) ? "TLSA" : v}`)
            .join(" ")}`
        : "";
      const v6 = c.case.mxAddress === "ipv6" ? "  MX IPv6 only" : "";
      const roster = `${fillLabel(c.sender.fill)} / ${c.dns.name}${c.dns.authority.standInFor ? ` (stand-in for ${c.dns.authority.standInFor})` : ""}`;
      lines.push(
        `${c.id}  [${roster}]${c.canonical ? " canonical" : ""}  ${c.profile}  TLSA ${tlsa}${dns}${cname}${v6}  expect: ${describeExpectation(c.expectation)}${c.sameAs ? `  (same experiment as ${c.sameAs})` : ""}`,
      );
    }
  }
  const shared = n - experiments;
  lines.push(
    `${n} cells in ${worlds.length} world${worlds.length === 1 ? "" : "s"}` +
      (shared
        ? `; ${experiments} experiments to send (${shared} cells repeat one in the same world; --separate runs them apart)`
        : ""),
  );
  return lines.join("\n");
}
