// The plan: scenarios expanded into cells (case x roster) grouped into worlds.
// Pure: a function of the loaded input, with no I/O.
import type { Case, Expectation, Profile, Scenario, SiteRoster } from "../schema/scenario.ts";
import { addr, caseLabel, HOST_NUMBERS } from "./addressing.ts";

export const ROOT_ZONE = ".";
export const TLD = "test";
export const LAB_ZONE = "lab.test";
export const REMOTE_ZONE = "remote.test";

export interface SitePlan {
  name: "lab" | "remote";
  zone: string;
  roster: SiteRoster;
  resolverIp: string;
  authorityIp: string;
  mtaIp: string;
  mtaHost: string;
  authorityHost: string;
}

export interface CellPlan {
  id: string; // the case id, which is stable
  scenarioId: string;
  sequence?: number;
  case: Case;
  profile: Profile;
  expectation: Expectation;
  /** The case's own mail domain and MX host under the remote zone. */
  domain: string;
  mxHost: string;
  sender: string;
  recipient: string;
}

export interface WorldPlan {
  id: string;
  scenarioIds: string[];
  receiverCertificate: Scenario["receiverCertificate"];
  rootServerIp: string;
  rootServerHost: string;
  muaIp: string;
  lab: SitePlan;
  remote: SitePlan;
  cells: CellPlan[];
}

export interface PlanOptions {
  profile: Profile;
  caseFilter?: (caseId: string) => boolean;
}

function rosterKey(s: Scenario): string {
  return JSON.stringify([s.roster, s.receiverCertificate]);
}

export function expectationFor(c: Case, profile: Profile): Expectation {
  return c.expect[profile] ?? c.expect.rfc7672;
}

export function planWorlds(scenarios: Scenario[], opts: PlanOptions): WorldPlan[] {
  const groups = new Map<string, Scenario[]>();
  for (const s of scenarios) {
    const key = rosterKey(s);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const worlds: WorldPlan[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const cells: CellPlan[] = group.flatMap((s) =>
      s.cases
        .filter((c) => opts.caseFilter?.(c.id) ?? true)
        .map((c) => {
          const domain = `${caseLabel(c.id)}.${REMOTE_ZONE}`;
          return {
            id: c.id,
            scenarioId: s.id,
            sequence: s.sequence,
            case: c,
            profile: opts.profile,
            expectation: expectationFor(c, opts.profile),
            domain,
            mxHost: `mx.${domain}`,
            sender: `alice@${LAB_ZONE}`,
            recipient: `bob@${domain}`,
          };
        }),
    );
    if (cells.length === 0) continue;
    const id = `w${worlds.length + 1}-${first.roster.lab.authority}-${first.roster.lab.resolver}-${first.roster.lab.signer}`;
    worlds.push({
      id,
      scenarioIds: group.map((s) => s.id),
      receiverCertificate: first.receiverCertificate,
      rootServerIp: addr(HOST_NUMBERS.rootServer),
      rootServerHost: "ns.nic.test",
      muaIp: addr(HOST_NUMBERS.mua),
      lab: site("lab", LAB_ZONE, first.roster.lab, HOST_NUMBERS.lab),
      remote: site("remote", REMOTE_ZONE, first.roster.remote, HOST_NUMBERS.remote),
      cells,
    });
  }
  return worlds;
}

function site(
  name: "lab" | "remote",
  zone: string,
  roster: SiteRoster,
  n: { resolver: number; authority: number; mta: number },
): SitePlan {
  return {
    name,
    zone,
    roster,
    resolverIp: addr(n.resolver),
    authorityIp: addr(n.authority),
    mtaIp: addr(n.mta),
    mtaHost: `mta.${zone}`,
    authorityHost: `ns.${zone}`,
  };
}
