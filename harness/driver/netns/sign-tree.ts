// Sign the world's DNS tree bottom-up, as real operators would: each site's own signer signs its
// zone; the root operator (ldns) then signs "test." with the sites' DS, and "." with the DS of "test.".
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Implementation } from "../../load/environments.ts";
import type { WorldPlan } from "../../plan/plan.ts";
import { signedZoneFile } from "../../world/instances.ts";
import { ldnsSignZone } from "../../world/ldns-signer.ts";
import { rootZone, tldZone } from "../../world/zones.ts";
import { signCaseZones } from "../../world/fault-zones.ts";
import type { CaseSubtree } from "../../world/world-files.ts";

export interface SignResult {
  signedZoneFile: string;
  ds: string[];
  logFiles?: string[];
}
type SignZone = (req: { zone: string; unsignedZoneFile: string; workDir: string }) => Promise<SignResult>;

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
  unsigned: { lab: string; remote: string; children?: CaseSubtree[]; labChildren?: CaseSubtree[] },
  zonesDir: string,
  serial: number,
  /** A short folder: signers keep Unix sockets in their work folder (at most 107 bytes a path). */
  shortDir: string,
): Promise<SignedTree> {
  mkdirSync(zonesDir, { recursive: true });
  // The cases' own subtrees (signed by the harness, then broken on purpose): their keys are made
  // first, so their DS go into the site zones at once, and the harness signs them while the site
  // signers sign. A zone nobody serves (delegated to where no name server is) is kept beside the
  // others, as evidence.
  const subtrees = (list: CaseSubtree[] = []) =>
    list.map((c) => signCaseZones(join(shortDir, "faults", c.top.zone), c.top, c.mxHost));
  const [children, labChildren] = [subtrees(unsigned.children), subtrees(unsigned.labChildren)];
  const caseZonesSigned = Promise.all([...children, ...labChildren].map((c) => c.zones)).then((all) => {
    for (const z of all.flat())
      copyFileSync(
        z.file,
        z.served === "nowhere"
          ? join(zonesDir, `${z.zone}.zone.served-by-nobody`)
          : signedZoneFile({ zonesDir }, z.zone),
      );
  });
  const sites = [
    { site: w.lab, text: unsigned.lab + labChildren.flatMap((c) => c.ds).join("\n") + "\n" },
    { site: w.remote, text: unsigned.remote + children.flatMap((c) => c.ds).join("\n") + "\n" },
  ];
  const signerName = w.stack.signer;
  const sitesSigned = Promise.all(
    sites.map(async ({ site, text }) => {
      const impl = envs.get(signerName);
      if (!impl) throw new Error(`no environment '${signerName}' for the ${site.name} signer`);
      const workDir = join(shortDir, `${site.name}-signer`);
      mkdirSync(workDir, { recursive: true });
      const unsignedZoneFile = join(zonesDir, `${site.zone}.zone`);
      writeFileSync(unsignedZoneFile, text);
      const r = await (await signerOf(impl))({ zone: site.zone, unsignedZoneFile, workDir });
      copyFileSync(r.signedZoneFile, signedZoneFile({ zonesDir }, site.zone));
      // Keep the signer's own logs with the zones, as evidence.
      const logs = join(zonesDir, `${site.name}-signer-logs`);
      mkdirSync(logs, { recursive: true });
      for (const f of r.logFiles ?? []) if (existsSync(f)) copyFileSync(f, join(logs, basename(f)));
      return r;
    }),
  );
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
