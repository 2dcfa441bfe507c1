// The harness's own programs that run as processes of a world (the mail-client agent and the
// on-path attacker's proxy), and its launcher (os/launcher.ts), start from one bundled JavaScript
// file each, not through tsx. Through
// tsx, every start compiled the TypeScript and every dependency again, and every dynamic import
// on the way: about 1.5 s of a core per program and world on this machine. esbuild (which tsx
// itself uses) makes each bundle once, and again when a file it was made from changes.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The bundled programs, by name: their entry points, relative to the repository. */
export const BUNDLED = {
  agent: "harness/mua/agent.ts",
  attacker: "harness/attacker/proxy-main.ts",
  launcher: "harness/os/launcher.ts",
} as const;
export type BundleName = keyof typeof BUNDLED;

/** Where the bundles go: a cache beside the dependencies they are made of (git-ignored). */
export const bundleDir = (repoRoot: string) => join(repoRoot, "node_modules", ".cache", "nccoe-bundles");
export const bundlePath = (repoRoot: string, name: BundleName) => join(bundleDir(repoRoot), `${name}.mjs`);

interface Inputs {
  files: string[]; // relative to the repository
  stamp: string;
}

/** Size and modification time of every input: any change makes the bundle stale. */
function stampOf(repoRoot: string, files: string[]): string {
  return files
    .map((f) => {
      const s = statSync(join(repoRoot, f));
      return `${f} ${s.size} ${s.mtimeMs}`;
    })
    .join("\n");
}

/** The bundle's path when it is made and current (a synchronous check: the launcher is forked
 *  from synchronous code, and falls back to tsx until the bundle exists). */
export function freshBundle(repoRoot: string, name: BundleName): string | undefined {
  return isFresh(repoRoot, name) ? bundlePath(repoRoot, name) : undefined;
}

function isFresh(repoRoot: string, name: BundleName): boolean {
  const out = bundlePath(repoRoot, name);
  try {
    const inputs = JSON.parse(readFileSync(`${out}.inputs.json`, "utf8")) as Inputs;
    return existsSync(out) && stampOf(repoRoot, inputs.files) === inputs.stamp;
  } catch {
    return false; // never made, or an input is gone
  }
}

async function make(repoRoot: string, name: BundleName): Promise<void> {
  const out = bundlePath(repoRoot, name);
  mkdirSync(bundleDir(repoRoot), { recursive: true });
  // Written beside and renamed into place: harness processes running at once (test workers)
  // never see half a file. The bundle goes first, then the record of what it was made from.
  const tmp = `${out}.${process.pid}.tmp`;
  const { build } = await import("esbuild");
  const r = await build({
    absWorkingDir: repoRoot,
    entryPoints: [BUNDLED[name]],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: tmp,
    metafile: true,
    logLevel: "silent",
    // CommonJS dependencies (nodemailer, for one) require() Node's own modules.
    banner: {
      js: "import { createRequire as __nccoeRequire } from 'node:module'; const require = __nccoeRequire(import.meta.url);",
    },
  }).catch((e: Error) => {
    throw new Error(`bundling ${BUNDLED[name]} with esbuild failed: ${e.message}`);
  });
  const files = Object.keys(r.metafile.inputs);
  renameSync(tmp, out);
  const inputs: Inputs = { files, stamp: stampOf(repoRoot, files) };
  writeFileSync(`${out}.inputs.json.${process.pid}.tmp`, JSON.stringify(inputs));
  renameSync(`${out}.inputs.json.${process.pid}.tmp`, `${out}.inputs.json`);
}

let ready: Promise<void> | undefined;

async function makeStale(repoRoot: string): Promise<void> {
  const stale = (Object.keys(BUNDLED) as BundleName[]).filter((n) => !isFresh(repoRoot, n));
  if (stale.length === 0) return;
  try {
    await Promise.all(stale.map((n) => make(repoRoot, n)));
  } finally {
    // esbuild's build() keeps a service process; ended here, it does not outlive the harness.
    await (await import("esbuild")).stop();
  }
}

/** Every bundle made and current; once per process (a few ms when nothing changed). */
export function ensureBundles(repoRoot: string): Promise<void> {
  ready ??= makeStale(repoRoot);
  ready.catch(() => (ready = undefined)); // a failure is reported to every caller; the next call tries again
  return ready;
}
