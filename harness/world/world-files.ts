// The unsigned zones of a world: the two site zones, and a child zone per DNSSEC-fault case.
// Pure: PKI-derived TLSA records are inputs.
import type { WorldPlan } from "../plan/plan.ts";
import type { FaultChild } from "./fault-zones.ts";
import type { TlsaRdata } from "./tlsa.ts";
import { childZone, labZone, remoteZone } from "./zones.ts";

export function unsignedSiteZones(w: WorldPlan, tlsa: Map<string, TlsaRdata[]>, serial: number) {
  const children: FaultChild[] = w.cases
    .filter((cp) => cp.case.dnsFault)
    .map((cp) => ({
      zone: cp.domain,
      text: childZone(w, cp, tlsa.get(cp.case.id) ?? [], serial),
      fault: cp.case.dnsFault!,
    }));
  return { lab: labZone(w, serial), remote: remoteZone(w, tlsa, serial), children };
}
