// Prepare, start and wait for one instance of an implementation in its namespace.
import { chmodSync, chownSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { renderTemplate } from "../../world/template.ts";
import type { Implementation } from "../../load/environments.ts";
import type { Instance } from "../../world/instances.ts";
import { renderArgv, renderFiles, renderProbes, roleSpec } from "../../world/render.ts";
import { runOk } from "../../os/exec.ts";
import { Daemon } from "../daemon.ts";
import { dig, fileContains, tcpListening, unixAnswers, waitFor } from "../probes.ts";
import { udpBoundIn } from "../proc-net.ts";
import type { Probe } from "../../schema/manifest.ts";

function idOf(file: "/etc/passwd" | "/etc/group", name: string): { id: number; gid: number } {
  const line = readFileSync(file, "utf8")
    .split("\n")
    .find((l) => l.split(":")[0] === name);
  if (!line)
    throw new Error(
      `${file === "/etc/passwd" ? "user" : "group"} '${name}' does not exist (is its package installed?)`,
    );
  const f = line.split(":");
  return { id: Number(f[2]), gid: Number(f[3]) };
}

/** Write the rendered files and folders of an instance. Config files get an old mtime:
 *  Postfix waits ~2 s at start when main.cf was written within the last second. */
export function writeInstance(impl: Implementation, inst: Instance): void {
  mkdirSync(inst.dir, { recursive: true });
  mkdirSync(String(inst.context.sockDir), { recursive: true });
  const spec = roleSpec(impl, inst);
  const past = new Date(Date.now() - 60_000);
  for (const [name, text] of renderFiles(impl, inst)) {
    const file = join(inst.dir, name);
    mkdirSync(dirname(file), { recursive: true }); // a template may go to a subfolder
    writeFileSync(file, text);
    utimesSync(file, past, past);
  }
  for (const f of spec.folders) {
    const rendered = renderTemplate(f.path, inst.context, `${impl.file} (folders)`);
    const path = isAbsolute(rendered) ? rendered : join(inst.dir, rendered);
    mkdirSync(path, { recursive: true });
    if (f.owner || f.group) {
      const user = f.owner ? idOf("/etc/passwd", f.owner) : { id: 0, gid: 0 };
      chownSync(path, user.id, f.group ? idOf("/etc/group", f.group).id : user.gid);
    }
    if (f.mode) chmodSync(path, parseInt(f.mode, 8));
  }
  for (const f of spec.files) {
    const rendered = renderTemplate(f.path, inst.context, `${impl.file} (files)`);
    writeFileSync(isAbsolute(rendered) ? rendered : join(inst.dir, rendered), "");
  }
}

async function probeOnce(ns: string, p: Probe, pid: number): Promise<boolean> {
  if ("tcp" in p) return tcpListening(ns, p.tcp.host, Number(p.tcp.port), pid);
  if ("unix" in p) return unixAnswers(p.unix.path);
  if ("file" in p) return fileContains(p.file.path, p.file.contains);
  if (!udpBoundIn(pid, p.dns.server, 53)) return false; // not even bound yet: no dig for that
  const a = await dig(ns, p.dns.server, p.dns.name, p.dns.type);
  if (a.rcode !== "NOERROR" || a.answer.length === 0) return false;
  if (p.dns.signed && !a.answer.some((l) => /\sRRSIG\s/.test(l))) return false;
  if (p.dns.ad && !a.flags.includes("ad")) return false;
  return true;
}

export function describeProbe(p: Probe): string {
  if ("tcp" in p) return `TCP ${p.tcp.host}:${p.tcp.port} listening`;
  if ("unix" in p) return `socket ${p.unix.path} answering`;
  if ("file" in p) return `${p.file.path} containing '${p.file.contains}'`;
  return `${p.dns.server} answering ${p.dns.name} ${p.dns.type}${p.dns.signed ? " with RRSIG" : ""}${p.dns.ad ? " with AD=1" : ""}`;
}

export async function startInstance(
  impl: Implementation,
  inst: Instance,
  ns: string,
  repoRoot: string,
  timeoutMs = 15_000,
): Promise<Daemon | undefined> {
  const spec = roleSpec(impl, inst);
  for (const argv of spec.prepare) await runOk(renderArgv(impl, inst, argv));
  if (!spec.start) return undefined;
  const daemon = await Daemon.start({
    name: inst.key,
    ns,
    argv: renderArgv(impl, inst, spec.start),
    cwd: repoRoot,
    outputFile: join(inst.dir, "stdout.log"),
  });
  for (const probe of renderProbes(impl, inst)) {
    await waitFor(`${inst.key}: ${describeProbe(probe)}`, () => probeOnce(ns, probe, daemon.pid), {
      timeoutMs,
      alive: () => (daemon.running ? undefined : `exited (${daemon.exitCode}); output:\n${daemon.outputTail()}`),
    });
  }
  return daemon;
}
