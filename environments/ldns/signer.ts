// ldns as a site signer: a fresh ECDSA P-256 KSK and ZSK, ldns-signzone, the DS as ldns-key2ds gives it.
import { copyFileSync } from "node:fs";
import { basename, join } from "node:path";
import { ldnsSignZone } from "../../harness/world/ldns-signer.ts";

export async function signZone(req: {
  zone: string;
  unsignedZoneFile: string;
  workDir: string;
  /** Resolves once unsignedZoneFile is written (absent: it is). */
  zoneReady?: Promise<void>;
}) {
  await req.zoneReady;
  const t0 = performance.now();
  const file = basename(req.unsignedZoneFile);
  copyFileSync(req.unsignedZoneFile, join(req.workDir, file));
  const r = await ldnsSignZone(req.workDir, req.zone, file);
  return {
    signedZoneFile: r.signedFile,
    ds: r.ds,
    dnskeys: [r.ksk],
    logFiles: [],
    seconds: (performance.now() - t0) / 1000,
  };
}
