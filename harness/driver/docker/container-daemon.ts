// A daemon in a world container: `docker exec` in the foreground, its output in a file (never an
// inherited pipe). The same surface as Daemon (running, outputTail, stop), so the rest of the
// harness does not know which driver started it. docker exec does not forward signals, so the
// daemon records its pid inside the container (exec-in.sh); the harness finds the same process
// in the machine's /proc (NSpid) and stops it as the netns driver does: SIGTERM to it and its
// process group, SIGKILL after the deadline. The exec client ends when the daemon's output closes.
import { spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import { isGone, signal, waitGone, type DaemonSpec } from "../daemon.ts";
import { RUN_ID_ENV } from "../tagged-processes.ts";

const EXEC_IN = join(import.meta.dirname, "exec-in.sh");

export interface ContainerDaemonSpec extends Omit<DaemonSpec, "ns"> {
  container: string;
  pidFile: string; // on a path mounted at the same place in the container
  containerPid: number; // the container's PID 1 as the machine sees it
}

/** The machine's pid of the process that is `inner` in the pid namespace of `containerPid`. */
export function hostPidOf(containerPid: number, inner: number): number | undefined {
  let ns: string;
  try {
    ns = readlinkSync(`/proc/${containerPid}/ns/pid`);
  } catch {
    return undefined;
  }
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const nspid = /^NSpid:\s+(.*)$/m
        .exec(readFileSync(`/proc/${entry}/status`, "latin1"))?.[1]
        ?.trim()
        .split(/\s+/);
      if (
        nspid &&
        Number(nspid[nspid.length - 1]) === inner &&
        nspid.length > 1 &&
        readlinkSync(`/proc/${entry}/ns/pid`) === ns
      )
        return Number(entry);
    } catch {
      /* gone */
    }
  }
  return undefined;
}

export class ContainerDaemon {
  exitCode: number | null = null;
  exited: Promise<void>;

  private constructor(
    readonly spec: ContainerDaemonSpec & { ns: string },
    readonly pid: number, // the docker exec client on the host
    exited: Promise<void>,
  ) {
    this.exited = exited;
  }

  static start(spec: ContainerDaemonSpec): ContainerDaemon {
    rmSync(spec.pidFile, { force: true });
    const fd = openSync(spec.outputFile, "a");
    try {
      const env = process.env[RUN_ID_ENV] ? ["-e", `${RUN_ID_ENV}=${process.env[RUN_ID_ENV]}`] : [];
      const argv = ["exec", ...env, "-w", spec.cwd, spec.container, "/bin/sh", EXEC_IN, spec.pidFile, ...spec.argv];
      const child = spawn("docker", argv, { stdio: ["ignore", fd, fd], detached: true, env: process.env });
      if (child.pid === undefined) throw new Error(`${spec.name}: could not run docker exec`);
      let daemon: ContainerDaemon;
      const exited = new Promise<void>((resolve) =>
        child.on("exit", (code, sig) => {
          daemon.exitCode = code ?? (sig ? 128 : 1);
          resolve();
        }),
      );
      child.on("error", () => undefined);
      child.unref();
      daemon = new ContainerDaemon({ ...spec, ns: spec.container }, child.pid, exited);
      return daemon;
    } finally {
      closeSync(fd);
    }
  }

  get running(): boolean {
    return this.exitCode === null && !isGone(this.pid);
  }

  outputTail(lines = 8): string {
    try {
      return readFileSync(this.spec.outputFile, "utf8").trim().split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  private innerPid(): number | undefined {
    try {
      const p = readFileSync(this.spec.pidFile, "utf8").trim();
      return /^\d+$/.test(p) ? Number(p) : undefined;
    } catch {
      return undefined;
    }
  }

  /** SIGTERM to the daemon and its group, SIGKILL after the deadline (as Daemon.stop); then the exec client. */
  async stop(deadlineMs = 3000): Promise<void> {
    if (!this.running) return;
    const inner = this.innerPid();
    const pid = inner === undefined ? undefined : hostPidOf(this.spec.containerPid, inner);
    if (pid !== undefined) {
      signal(-pid, "SIGTERM");
      signal(pid, "SIGTERM");
      if ((await waitGone([pid], deadlineMs)).length > 0) {
        signal(-pid, "SIGKILL");
        signal(pid, "SIGKILL");
        await waitGone([pid], 2000);
      }
    }
    // The client stays until every process holding the daemon's output has closed it; the daemon is gone.
    if (pid === undefined || (await waitGone([this.pid], 200)).length > 0) signal(this.pid, "SIGKILL");
    await waitGone([this.pid], 2000);
  }
}
