// The unsigned zones of a world: the two site zones, and per DNS-fault case its own subtree
// (the mail domain's child zone, and the zones some layouts delegate below it).
// Pure: PKI-derived TLSA records are inputs.
import type { CasePlan, WorldPlan } from "../plan/plan.ts";
import { caseZones, type CaseZone } from "./case-zones.ts";
import type { TlsaRdata } from "./tlsa.ts";
import { labZone, remoteZone } from "./zones.ts";
import { smimeZones } from "./smime-zones.ts";
import type { SmimeCaseUsers } from "./smime-users.ts";

export interface CaseSubtree {
  caseId: string;
  /** The owner of the A RRset the a-* faults break. */
  mxHost: string;
  top: CaseZone;
}

/** Does the case have its own child zone (a DNS fault or an alias layout)? */
export const hasOwnZone = (cp: CasePlan) => cp.case.dnsFault !== undefined;

export function unsignedSiteZones(
  w: WorldPlan,
  tlsa: Map<string, TlsaRdata[]>,
  serial: number,
  smimeUsers: Map<string, SmimeCaseUsers> = new Map(),
) {
  const children: CaseSubtree[] = w.cases
    .filter(hasOwnZone)
    .map((cp) => ({ caseId: cp.case.id, mxHost: cp.mxHost, top: caseZones(w, cp, tlsa, serial) }));
  const smime = smimeZones(w, smimeUsers, serial);
  const add = (text: string, lines: string[]) => (lines.length ? `${text}${lines.join("\n")}\n` : text);
  return {
    lab: add(labZone(w, serial), smime.lab),
    remote: add(remoteZone(w, tlsa, serial), smime.remote),
    children: [...children, ...smime.remoteChildren],
    labChildren: smime.labChildren,
  };
}
