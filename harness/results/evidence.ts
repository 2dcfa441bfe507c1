// One evidence folder per cell: every artefact the verdict rests on.
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import type { LogIndex } from "./log-index.ts";
import { join, relative } from "node:path";
import type { StartedWorld } from "../driver/netns/world.ts";
import type { CellRun } from "../run/run-cell.ts";
import { describeExpectation } from "../judge/judge.ts";
import { describeObservation } from "../observe/observation.ts";
import { tlsaOwner } from "../world/tlsa.ts";
import { addressRecordType, caseLabel } from "../plan/addressing.ts";
import type { CasePlan } from "../plan/plan.ts";
import { caseNames } from "../world/case-zones.ts";
import { hasOwnZone } from "../world/world-files.ts";
import { smimeSenderDomain } from "../world/smime-users.ts";

/** The tokens that mark a cell's lines in any daemon's log. */
export function cellNeedles(run: CellRun): string[] {
  const obs = run.evidence.kind === "observed" ? run.evidence.observation : undefined;
  return [
    run.messageId.replace(/^<|>$/g, ""),
    run.token,
    run.cell.casePlan.mxHost,
    run.cell.recipient,
    ...(obs?.queueId ? [obs.queueId] : []),
  ];
}

/** The world's signed zone files that a cell's lookups can touch: each zone at or above its mail
 *  domain or its S/MIME sender's domain (the root, test, remote.test, lab.test, ...), and each
 *  zone below its mail domain (a DNS-fault case's own zones, an SMIMEA child zone). Pure. */
export function cellZoneFiles(files: string[], cp: Pick<CasePlan, "domain">): string[] {
  const zoneOf = (f: string) => (f === "root.zone.signed" ? "" : f.replace(/\.zone\.signed$/, ""));
  const names = [cp.domain, smimeSenderDomain(cp)];
  const atOrAbove = (z: string, n: string) => z === "" || n === z || n.endsWith(`.${z}`);
  return files
    .filter((f) => f.endsWith(".zone.signed"))
    .filter((f) => names.some((n) => atOrAbove(zoneOf(f), n)) || zoneOf(f).endsWith(`.${cp.domain}`));
}

export function evidenceDirOf(runDir: string, cellId: string): { abs: string; rel: string } {
  // "seq17/dane-ee-valid@postfix/bind" -> cells/seq17/dane-ee-valid/postfix--bind
  const [caseId, roster] = cellId.split("@");
  const rel = join(
    "cells",
    ...caseId!.split("/").map(caseLabel),
    ...(roster ? [roster.replace(/\//g, "--").replace(/[^A-Za-z0-9+.-]/g, "_")] : []),
  );
  return { abs: join(runDir, rel), rel };
}

/** dig's output for several queries, one chunk per answer, keyed "<name> <type>" (the name in
 *  lower case, with its final dot) from the answer's question section. A query that got no answer
 *  has no chunk. */
export function digAnswers(out: string): Map<string, string> {
  const answers = new Map<string, string>();
  for (const chunk of out.split(/^(?=;; Got answer:)/m).slice(1)) {
    const q = /^;;\s*QUESTION SECTION:\s*\n;(\S+)\s+(?:\d+\s+)?IN\s+(\S+)/m.exec(chunk);
    if (q) answers.set(`${q[1]!.toLowerCase()} ${q[2]!.toUpperCase()}`, chunk.trimEnd() + "\n");
  }
  return answers;
}

/** What to ask about a case: its TLSA owner(s) and MX; with its own zones, the MX host's A (or
 *  AAAA) too. */
function servedQueries(cp: CasePlan): [string, string][] {
  const q: [string, string][] = [[tlsaOwner(cp.mxHost), "TLSA"]];
  if (hasOwnZone(cp)) {
    const n = caseNames(cp);
    if (n.tlsaOwner !== q[0]![0]) q.push([n.tlsaOwner, "TLSA"]);
    q.push([cp.mxHost, addressRecordType(cp.endpointIp)]);
  }
  q.push([cp.domain, "MX"]);
  return q;
}

const DIG_WAIT = ["+time=2", "+tries=1"]; // a case whose authority never answers costs 2 s, once

/** While the world is up: what DNS serves for every case (TLSA with RRSIGs, MX), one dig per server. */
export async function captureServedRecords(world: StartedWorld): Promise<Map<string, string>> {
  const p = world.plan;
  const out = new Map<string, string>();
  const queries = p.cases.flatMap((c) => servedQueries(c).flatMap(([name, type]) => [name, type]));
  const ask = (server: string, extra: string[]) =>
    world.exec("lab", ["dig", "+dnssec", "+multiline", ...DIG_WAIT, ...extra, `@${server}`, ...queries]);
  const [viaResolver, viaAuthority] = await Promise.all([
    ask(p.lab.resolverIp, []),
    ask(p.remote.authorityIp, ["+norec"]),
  ]);
  const r = digAnswers(viaResolver.stdout);
  const a = digAnswers(viaAuthority.stdout);
  const shown = (m: Map<string, string>, name: string, type: string) =>
    m.get(`${name.toLowerCase()}. ${type}`) ?? `; ${name}. ${type}: no answer within 2 s\n`;
  for (const c of p.cases) {
    const qs = servedQueries(c);
    out.set(
      c.case.id,
      `; from the lab's validating resolver ${p.lab.resolverIp} (look for the "ad" flag)\n` +
        qs.map(([n, t]) => shown(r, n, t)).join("\n") +
        `\n; from the remote authority ${p.remote.authorityIp} (look for RRSIG)\n` +
        qs.map(([n, t]) => shown(a, n, t)).join("\n"),
    );
  }
  return out;
}

const CONFIG = /\.(cf|conf|xml|lua)$/;
export const isLog = (f: string) => /log$/.test(f);

/** A world's zone folder, listed once: every cell of the world asks. */
const zoneListings = new Map<string, string[]>();
function zoneFiles(zonesDir: string): string[] {
  let files = zoneListings.get(zonesDir);
  if (!files) zoneListings.set(zonesDir, (files = readdirSync(zonesDir)));
  return files;
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** After the world's cells ran: the cell's verdict, records, certificates, zones, and from each
 *  daemon its config and the log lines about this cell; `world/` links to the full logs. */
export function writeCellEvidence(
  world: StartedWorld,
  run: CellRun,
  dir: string,
  served: string | undefined,
  logs: LogIndex,
  /** With run.cell.sameAs: the evidence folder of the cell that ran the experiment. */
  observedByDir?: string,
): void {
  mkdirSync(dir, { recursive: true });
  const v = run.verdict;
  const cp = run.cell.casePlan;
  const built = cp.case.id; // the world's records and certificates are keyed by the case plan
  const obs = run.evidence.kind === "observed" ? run.evidence.observation : undefined;
  writeFileSync(
    join(dir, "verdict.txt"),
    [
      `cell:      ${run.cell.id}`,
      `case:      ${run.cell.caseId}  (${run.cell.case.title})`,
      `roster:    sender ${run.cell.sender.fill.impl}${run.cell.sender.fill.standInFor ? ` (stand-in for ${run.cell.sender.fill.standInFor})` : ""}, DNS ${run.cell.dns.name}; world ${world.plan.id}`,
      `profile:   ${run.cell.profile}`,
      `rule:      ${run.cell.expectation.rule}`,
      `expected:  ${describeExpectation(run.cell.expectation)}`,
      `observed:  ${obs ? describeObservation(obs) : `${run.evidence.kind}: ${"message" in run.evidence ? run.evidence.message : ""}`}`,
      `outcome:   ${v.outcome.toUpperCase()}`,
      `why:       ${v.reason}`,
      ...(run.cell.sameAs
        ? [`same experiment as ${run.cell.sameAs}: observed once, there (evidence in observed-by/)`]
        : []),
      `message:   ${run.messageId} (body token ${run.token})`,
      `submitted: ${run.submitResponse ?? "(not submitted)"}`,
      "",
      "evidence lines:",
      ...(obs?.evidence ?? []).map((l) => `  ${l}`),
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "observation.json"), JSON.stringify({ evidence: run.evidence, verdict: v }, null, 2));
  if (run.cell.sameAs && observedByDir) {
    const link = join(dir, "observed-by");
    if (!existsSync(link)) symlinkSync(relative(dir, observedByDir), link);
    return;
  }
  // Where the records sit: at the MX host's _25._tcp owner, or where a DNS-fault case's layout put them.
  const names = hasOwnZone(cp) ? caseNames(cp) : undefined;
  const published = (owner: string, key: string) =>
    (world.tlsa.get(key) ?? []).map((r) => `${owner}. IN TLSA ${r.usage} ${r.selector} ${r.matching} ${r.data}`);
  writeFileSync(
    join(dir, "tlsa-published.txt"),
    [
      ...published(names?.tlsaAt ?? tlsaOwner(cp.mxHost), built),
      ...(names?.originalTlsaAt ? published(names.originalTlsaAt, `${built}#original`) : []),
    ].join("\n") + "\n",
  );
  if (served) writeFileSync(join(dir, "dns-as-served.txt"), served);
  // S/MIME: the messages as sent and fetched, the SMIMEA answers, each verifier's transcript.
  for (const [name, text] of Object.entries(run.files ?? {})) writeFileSync(join(dir, name), text);
  const presented = world.pki?.certPems.get(built);
  if (presented) writeFileSync(join(dir, "receiver-certificate-chain.pem"), presented);
  if (world.pki) linkOrCopy(world.pki.caFile, join(dir, "local-ca-root.pem"));
  if (run.observed?.delivered?.source)
    writeFileSync(join(dir, "message-as-delivered.eml"), run.observed.delivered.source);
  // The zones as served that this cell's lookups touch: hard links, since cells share the files
  // (every zone of the world, in every cell, was some 15 000 links a world).
  const zonesDir = join(world.opts.worldDir, "zones");
  mkdirSync(join(dir, "zones"), { recursive: true });
  for (const f of cellZoneFiles(zoneFiles(zonesDir), cp)) linkOrCopy(join(zonesDir, f), join(dir, "zones", f));
  linkOrCopy(join(world.opts.worldDir, "trust-anchor.ds"), join(dir, "zones", "trust-anchor.ds"));
  const needles = cellNeedles(run);
  for (const inst of world.instances) {
    if (!existsSync(inst.dir)) continue;
    const to = join(dir, "daemons", inst.key.replace("/", "-"));
    mkdirSync(to, { recursive: true });
    for (const f of readdirSync(inst.dir)) {
      const p = join(inst.dir, f);
      if (CONFIG.test(f)) linkOrCopy(p, join(to, f));
      else if (isLog(f)) {
        const lines = logs.linesAbout(p, needles);
        if (lines.length) writeFileSync(join(to, `${f}.this-cell`), lines.join("\n") + "\n");
      }
    }
  }
  const link = join(dir, "world");
  if (!existsSync(link)) symlinkSync(relative(dir, world.opts.worldDir), link);
}
