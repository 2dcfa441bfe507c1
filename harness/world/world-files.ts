// The unsigned site zones of a world. Pure: PKI-derived TLSA records are inputs.
import type { WorldPlan } from "../plan/plan.ts";
import type { TlsaRdata } from "./tlsa.ts";
import { labZone, remoteZone } from "./zones.ts";

export function unsignedSiteZones(w: WorldPlan, tlsa: Map<string, TlsaRdata[]>, serial: number) {
  return { lab: labZone(w, serial), remote: remoteZone(w, tlsa, serial) };
}
