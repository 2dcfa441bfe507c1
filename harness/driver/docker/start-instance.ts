// Start one instance in its host's container and wait for its readiness probes. The files were
// written on the host (writeInstance); the container sees them at the same paths.
import { join } from "node:path";
import type { StartedTestContainer } from "testcontainers";
import type { Implementation } from "../../load/environments.ts";
import type { Instance } from "../../world/instances.ts";
import type { Probe } from "../../schema/manifest.ts";
import { renderArgv, renderProbes, roleSpec } from "../../world/render.ts";
import { runOk } from "../../os/exec.ts";
import { digArgv, fileContains, parseDig, unixAnswers, waitFor, type DnsAnswer } from "../probes.ts";
import { describeProbe } from "../netns/start-instance.ts";
import { ContainerDaemon } from "./container-daemon.ts";

/** One command in a container; the same result shape as os/exec.ts run(). */
export async function execIn(c: StartedTestContainer, argv: string[]) {
  const r = await c.exec(argv);
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/** dig inside a container, parsed as probes.ts dig() parses it. */
export async function digIn(c: StartedTestContainer, server: string, name: string, type: string): Promise<DnsAnswer> {
  return parseDig((await execIn(c, digArgv(server, name, type))).stdout);
}

async function probeOnce(c: StartedTestContainer, p: Probe): Promise<boolean> {
  if ("tcp" in p) {
    const r = await execIn(c, ["ss", "-H", "-l", "-t", "-n", "src", `${p.tcp.host}:${p.tcp.port}`]);
    return r.stdout.trim().length > 0;
  }
  if ("unix" in p) return unixAnswers(p.unix.path); // the socket folder is mounted at the same path
  if ("file" in p) return fileContains(p.file.path, p.file.contains);
  const a = await digIn(c, p.dns.server, p.dns.name, p.dns.type);
  if (a.rcode !== "NOERROR" || a.answer.length === 0) return false;
  if (p.dns.signed && !a.answer.some((l) => /\sRRSIG\s/.test(l))) return false;
  if (p.dns.ad && !a.flags.includes("ad")) return false;
  return true;
}

export async function startInstanceInContainer(
  impl: Implementation,
  inst: Instance,
  c: StartedTestContainer,
  repoRoot: string,
  pidDir: string,
  containerPid: number,
  timeoutMs = 15_000,
): Promise<ContainerDaemon | undefined> {
  const spec = roleSpec(impl, inst);
  // Prepare steps work on the instance's files only; they run on the host, as with netns.
  for (const argv of spec.prepare) await runOk(renderArgv(impl, inst, argv));
  if (!spec.start) return undefined;
  const daemon = ContainerDaemon.start({
    name: inst.key,
    container: c.getName().replace(/^\//, ""),
    argv: renderArgv(impl, inst, spec.start),
    cwd: repoRoot,
    outputFile: join(inst.dir, "stdout.log"),
    pidFile: join(pidDir, `${inst.key.replace(/\//g, "--")}.pid`),
    containerPid,
  });
  for (const probe of renderProbes(impl, inst)) {
    await waitFor(`${inst.key}: ${describeProbe(probe)}`, () => probeOnce(c, probe), {
      timeoutMs,
      alive: () => (daemon.running ? undefined : `exited (${daemon.exitCode}); output:\n${daemon.outputTail()}`),
    });
  }
  return daemon;
}
