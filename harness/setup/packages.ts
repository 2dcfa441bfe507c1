// What the setup must provide, one "<kind> <name>" a line: the harness's own tools plus every
// implementation's `packages:`, `unpack:` and `systemUsers:` from environments/*/manifest.yaml.
// A new implementation brings its own.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEnvironments } from "../load/environments.ts";
import { VERIFIER_PACKAGES } from "../smime/verifiers/index.ts";

/** Tools the harness itself runs: namespaces, probes, captures, the root operator's signer. */
export const HARNESS_PACKAGES = [
  "iproute2",
  "procps",
  "tcpdump",
  "bind9-dnsutils",
  "ldnsutils",
  "openssl",
  "ca-certificates",
  "util-linux",
];

const root = join(fileURLToPath(import.meta.url), "..", "..", "..");
const envs = loadEnvironments(join(root, "environments"));
// The independent S/MIME verifiers (OpenSSL cms, NSS cmsutil, GnuPG gpgsm) are instruments too.
const install = new Set([...HARNESS_PACKAGES, ...VERIFIER_PACKAGES]);
const unpack = new Set<string>();
const users = new Set<string>();
for (const impl of envs.values()) {
  impl.manifest.packages.forEach((p) => install.add(p));
  impl.manifest.unpack.forEach((p) => unpack.add(p));
  impl.manifest.systemUsers.forEach((u) => users.add(u));
}
for (const p of [...install].sort()) console.log(`install ${p}`);
for (const p of [...unpack].sort()) console.log(`unpack ${p}`);
for (const u of [...users].sort()) console.log(`user ${u}`);
