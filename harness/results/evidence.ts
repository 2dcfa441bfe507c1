// One evidence folder per cell: every artefact the verdict rests on.
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StartedWorld } from "../driver/netns/world.ts";
import type { CellRun } from "../run/run-cell.ts";
import { describeExpectation } from "../judge/judge.ts";
import { describeObservation } from "../observe/observation.ts";
import { tlsaOwner } from "../world/tlsa.ts";
import { caseLabel } from "../plan/addressing.ts";

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

/** While the world is up: what DNS serves for the case (the TLSA RRset with its RRSIGs). */
export async function captureServedRecords(world: StartedWorld, run: CellRun, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const owner = tlsaOwner(run.cell.casePlan.mxHost);
  const viaResolver = await world.exec("lab", [
    "dig",
    "+dnssec",
    "+multiline",
    `@${world.plan.lab.resolverIp}`,
    owner,
    "TLSA",
  ]);
  const viaAuthority = await world.exec("lab", [
    "dig",
    "+dnssec",
    "+norec",
    `@${world.plan.remote.authorityIp}`,
    owner,
    "TLSA",
  ]);
  writeFileSync(
    join(dir, "tlsa-as-served.txt"),
    `; from the lab's validating resolver ${world.plan.lab.resolverIp}\n${viaResolver.stdout}\n` +
      `; from the remote authority ${world.plan.remote.authorityIp}\n${viaAuthority.stdout}`,
  );
  const mx = await world.exec("lab", [
    "dig",
    "+dnssec",
    `@${world.plan.lab.resolverIp}`,
    run.cell.casePlan.domain,
    "MX",
  ]);
  writeFileSync(join(dir, "mx-as-served.txt"), mx.stdout);
}

const CONFIG_OR_LOG = /\.(cf|conf|log|xml)$|^maillog$/;

/** After the world's cells ran: copy the certificate, zones, and each daemon's config and log. */
export function writeCellEvidence(world: StartedWorld, run: CellRun, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const v = run.verdict;
  const lines = [
    `case:      ${run.cell.id}  (${run.cell.case.title})`,
    `world:     ${world.plan.id}`,
    `profile:   ${run.cell.profile}`,
    `rule:      ${run.cell.expectation.rule}`,
    `expected:  ${describeExpectation(run.cell.expectation)}`,
    `observed:  ${run.evidence.kind === "observed" ? describeObservation(run.evidence.observation) : `${run.evidence.kind}: ${run.evidence.message}`}`,
    `outcome:   ${v.outcome.toUpperCase()}`,
    `why:       ${v.reason}`,
    `message:   ${run.messageId} (body token ${run.token})`,
    `submitted: ${run.submitResponse ?? "(not submitted)"}`,
    "",
    "evidence lines:",
    ...(run.evidence.kind === "observed" ? run.evidence.observation.evidence.map((l) => `  ${l}`) : []),
    "",
  ];
  writeFileSync(join(dir, "verdict.txt"), lines.join("\n"));
  writeFileSync(join(dir, "observation.json"), JSON.stringify({ evidence: run.evidence, verdict: v }, null, 2));
  const tlsa = world.tlsa.get(run.cell.caseId) ?? [];
  writeFileSync(
    join(dir, "tlsa-published.txt"),
    tlsa
      .map((r) => `${tlsaOwner(run.cell.casePlan.mxHost)}. IN TLSA ${r.usage} ${r.selector} ${r.matching} ${r.data}`)
      .join("\n") + "\n",
  );
  const presented = world.pki?.certPems.get(run.cell.caseId);
  if (presented) writeFileSync(join(dir, "receiver-certificate-chain.pem"), presented);
  if (world.pki) copyFileSync(world.pki.caFile, join(dir, "local-ca-root.pem"));
  if (run.observed?.delivered?.source)
    writeFileSync(join(dir, "message-as-delivered.eml"), run.observed.delivered.source);
  const zonesDir = join(world.opts.worldDir, "zones");
  mkdirSync(join(dir, "zones"), { recursive: true });
  for (const f of readdirSync(zonesDir).filter((f) => f.endsWith(".signed")))
    copyFileSync(join(zonesDir, f), join(dir, "zones", f));
  copyFileSync(join(world.opts.worldDir, "trust-anchor.ds"), join(dir, "zones", "trust-anchor.ds"));
  for (const inst of world.instances) {
    if (!existsSync(inst.dir)) continue;
    const to = join(dir, "daemons", inst.key.replace("/", "-"));
    mkdirSync(to, { recursive: true });
    for (const f of readdirSync(inst.dir)) {
      const p = join(inst.dir, f);
      if (statSync(p).isFile() && CONFIG_OR_LOG.test(f)) cpSync(p, join(to, f));
    }
  }
}
