// The static files of a world: the receiver's certificate and the TLSA records made from it,
// and the unsigned site zones. Faults (a wrong digest) are rendering choices made here.
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { WorldPlan } from "../plan/plan.ts";
import { selfSignedCertificate } from "./pki.ts";
import { tlsaFor, type TlsaRdata } from "./tlsa.ts";
import { siteZone } from "./zones.ts";

export interface WorldPki {
  certFile: string;
  keyFile: string;
  certPem: string;
}

export function makeReceiverPki(w: WorldPlan, pkiDir: string): WorldPki {
  mkdirSync(pkiDir, { recursive: true });
  if (w.receiverCertificate !== "self-signed")
    throw new Error(`receiver certificate '${w.receiverCertificate}' is not built yet (only self-signed)`);
  const { keyPem, certPem } = selfSignedCertificate({
    commonName: w.remote.mtaHost,
    dnsNames: [w.remote.mtaHost, ...w.cells.map((c) => c.mxHost)],
  });
  const certFile = join(pkiDir, "receiver.crt");
  const keyFile = join(pkiDir, "receiver.key");
  writeFileSync(certFile, certPem);
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  return { certFile, keyFile, certPem };
}

export function tlsaByCell(w: WorldPlan, certPem: string): Map<string, TlsaRdata[]> {
  return new Map(w.cells.map((c) => [c.id, c.case.tlsa.map((spec) => tlsaFor(certPem, spec))]));
}

export function unsignedSiteZones(w: WorldPlan, tlsa: Map<string, TlsaRdata[]>, serial: number) {
  return {
    lab: siteZone(w.lab, serial),
    remote: siteZone(w.remote, serial, w.cells, tlsa),
  };
}
