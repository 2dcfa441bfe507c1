// results.json: the versioned record reporters read. One record per cell.
import type { Acceptable, Expectation, Profile } from "../schema/scenario.ts";
import type { Observation } from "../observe/observation.ts";
import type { Outcome } from "../judge/judge.ts";

export const RESULTS_SCHEMA = "nccoe-harness/results@1";

export interface RoleFill {
  implementation: string; // what ran
  as?: string; // the roster's name, when it differs (an external product filled by its stand-in)
  title: string;
  version: string;
  standInFor?: string;
  bound?: boolean; // a bindings file chose this implementation for an external product
}

export interface CellResult {
  id: string; // "<case id>@<sender>/<dns stack>"
  caseId: string;
  canonical: boolean; // the guide's own roster for the sequence
  attack?: string; // the on-path attack the case runs
  control?: boolean; // sent by the control sender (opportunistic TLS), which the attack must beat
  scenario: string;
  sequence?: number;
  world: string;
  profile: Profile;
  roster: { lab: Record<string, RoleFill>; remote: Record<string, RoleFill> };
  expected: Expectation;
  observed?: Observation;
  matched?: Acceptable;
  outcome: Outcome;
  reason: string;
  durationSeconds: number;
  refs: { rfc: string[]; nist: number[] };
  evidence: string; // folder, relative to the run folder
  /** The cell of the same world that ran this same experiment (same records, certificate and
   *  sender) and whose observation this cell was judged on. */
  sameExperimentAs?: string;
}

export interface WorldResult {
  id: string;
  scenarios: string[];
  stack?: string;
  cells?: number;
  /** Cells actually sent and observed; the others were the same experiment as one of these. */
  experiments?: number;
  /** From the world being up to the last cell observed. */
  cellsSeconds?: number;
  bringUpSeconds: Record<string, number>;
  /** The cleartext canary proves the capture could see a leak. */
  capture?: {
    canaryToken: string;
    canarySeen: boolean;
    packets: number;
    bytes: number;
    dropped?: number;
    error?: string;
  };
  error?: string;
}

export interface Results {
  schema: typeof RESULTS_SCHEMA;
  runId: string;
  driver: "netns" | "docker";
  profile: Profile;
  started: string;
  finished: string;
  options: { weakenedSender: boolean; senderTlsLevel?: string; weakenedMua?: boolean };
  worlds: WorldResult[];
  cells: CellResult[];
  peakRssMiB: number;
}

export function counts(cells: CellResult[]): Record<Outcome, number> {
  const c: Record<Outcome, number> = { pass: 0, fail: 0, unsupported: 0, skipped: 0, error: 0 };
  for (const r of cells) c[r.outcome]++;
  return c;
}

/** A run is as expected when every cell passed (unsupported and skipped carry their reasons). */
export function allAsExpected(cells: Pick<CellResult, "outcome">[]): boolean {
  return cells.every((c) => c.outcome === "pass" || c.outcome === "unsupported" || c.outcome === "skipped");
}
