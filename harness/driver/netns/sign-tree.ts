// Sign the world's DNS tree bottom-up, as real operators would: each site's own signer signs its
// zone; the root operator (ldns) then signs "test." with the sites' DS, and "." with the DS of "test.".
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Implementation } from "../../load/environments.ts";
import type { SitePlan, WorldPlan } from "../../plan/plan.ts";
import { signedZoneFile } from "../../world/instances.ts";
import { ldnsSignZone } from "../../world/ldns-signer.ts";
import { rootZone, tldZone } from "../../world/zones.ts";
import { signCaseZones, type SignedCaseZones } from "../../world/fault-zones.ts";
import type { CaseSubtree } from "../../world/world-files.ts";

export interface SignResult {
  signedZoneFile: string;
  ds: string[];
  logFiles?: string[];
}
/** `zoneReady` resolves once unsignedZoneFile is written: a signer may start its daemons before. */
type SignZone = (req: {
  zone: string;
  unsignedZoneFile: string;
  workDir: string;
  zoneReady: Promise<void>;
}) => Promise<SignResult>;

type UnsignedZones = { lab: string; remote: string; children?: CaseSubtree[]; labChildren?: CaseSubtree[] };

async function signerOf(impl: Implementation): Promise<SignZone> {
  const mod = impl.manifest.roles.signer?.module;
  if (!mod) throw new Error(`${impl.file}: roles.signer.module is required to sign zones`);
  const loaded = (await import(pathToFileURL(join(impl.dir, mod)).href)) as { signZone?: SignZone };
  if (typeof loaded.signZone !== "function") throw new Error(`${impl.file}: ${mod} does not export signZone()`);
  return loaded.signZone;
}

export interface SignedTree {
  trustAnchor: string[]; // DS of the root KSK
  rootKsk: string;
  signerLogs: string[];
}

export async function signTree(
  w: WorldPlan,
  envs: Map<string, Implementation>,
  /** The zones' text needs the world's PKI (TLSA and SMIMEA records): the site signers start
   *  their daemons meanwhile. */
  unsignedZones: Promise<UnsignedZones>,
  zonesDir: string,
  serial: number,
  /** A short folder: signers keep Unix sockets in their work folder (at most 107 bytes a path). */
  shortDir: string,
): Promise<SignedTree> {
  mkdirSync(zonesDir, { recursive: true });
  const impl = envs.get(w.stack.signer);
  if (!impl) throw new Error(`no environment '${w.stack.signer}' for the site signers`);
  const signZone = await signerOf(impl);
  // The cases' own subtrees (signed by the harness, then broken on purpose): their keys are made
  // first, so their DS go into the site zones at once, and the harness signs them while the site
  // signers sign. A zone nobody serves (delegated to where no name server is) is kept beside the
  // others, as evidence.
  const subtrees = (list: CaseSubtree[] = []) =>
    list.map((c) => signCaseZones(join(shortDir, "faults", c.top.zone), c.top, c.mxHost));
  const zones = unsignedZones.then((u) => ({
    ...u,
    children: subtrees(u.children),
    labChildren: subtrees(u.labChildren),
  }));
  const caseZonesSigned = zones.then(async (z) => {
    for (const c of (await Promise.all([...z.children, ...z.labChildren].map((c) => c.zones))).flat())
      copyFileSync(
        c.file,
        c.served === "nowhere"
          ? join(zonesDir, `${c.zone}.zone.served-by-nobody`)
          : signedZoneFile({ zonesDir }, c.zone),
      );
  });
  // Each site's own signer: started at once, given its zone (with the DS of its case subtrees) once
  // the PKI is there.
  const siteSigned = async (site: SitePlan, text: Promise<string>) => {
    const workDir = join(shortDir, `${site.name}-signer`);
    mkdirSync(workDir, { recursive: true });
    const unsignedZoneFile = join(zonesDir, `${site.zone}.zone`);
    const zoneReady = text.then((t) => writeFileSync(unsignedZoneFile, t));
    zoneReady.catch(() => undefined); // the signer awaits it
    const r = await signZone({ zone: site.zone, unsignedZoneFile, workDir, zoneReady });
    copyFileSync(r.signedZoneFile, signedZoneFile({ zonesDir }, site.zone));
    // Keep the signer's own logs with the zones, as evidence.
    const logs = join(zonesDir, `${site.name}-signer-logs`);
    mkdirSync(logs, { recursive: true });
    for (const f of r.logFiles ?? []) if (existsSync(f)) copyFileSync(f, join(logs, basename(f)));
    return r;
  };
  const withDs = (text: string, subtrees: SignedCaseZones[]) => text + subtrees.flatMap((c) => c.ds).join("\n") + "\n";
  const sitesSigned = Promise.all([
    siteSigned(
      w.lab,
      zones.then((z) => withDs(z.lab, z.labChildren)),
    ),
    siteSigned(
      w.remote,
      zones.then((z) => withDs(z.remote, z.children)),
    ),
  ]);
  const [signed] = await Promise.all([sitesSigned, caseZonesSigned]);
  const opDir = join(zonesDir, "root-operator");
  mkdirSync(opDir, { recursive: true });
  writeFileSync(
    join(opDir, "test.zone"),
    tldZone(
      w,
      signed.flatMap((s) => s.ds),
      serial,
    ),
  );
  const tld = await ldnsSignZone(opDir, "test", "test.zone");
  copyFileSync(tld.signedFile, signedZoneFile({ zonesDir }, "test"));
  writeFileSync(join(opDir, "root.zone"), rootZone(w, tld.ds, serial));
  const root = await ldnsSignZone(opDir, ".", "root.zone");
  copyFileSync(root.signedFile, signedZoneFile({ zonesDir }, "."));
  return { trustAnchor: root.ds, rootKsk: root.ksk, signerLogs: signed.flatMap((s) => s.logFiles ?? []) };
}
