// Print the Debian packages the harness needs: its own tools plus every implementation's
// `packages:` from environments/*/manifest.yaml (a new implementation brings its own).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEnvironments } from "../load/environments.ts";

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
const all = new Set(HARNESS_PACKAGES);
for (const impl of envs.values()) for (const p of impl.manifest.packages) all.add(p);
console.log([...all].sort().join("\n"));
