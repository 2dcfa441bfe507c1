// A daemon in a world container: `docker exec` in the foreground, its output in a file (never an
// inherited pipe). The same surface as Daemon (running, outputTail, stop), so the rest of the
// harness does not know which driver started it. docker exec does not forward signals, so the
// daemon's pid inside the container is recorded (exec-in.sh) and signalled with `kill` there.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../os/exec.ts";
import { isGone, signal, waitGone, type DaemonSpec } from "../daemon.ts";
import { RUN_ID_ENV } from "../tagged-processes.ts";

const EXEC_IN = join(import.meta.dirname, "exec-in.sh");

export interface ContainerDaemonSpec extends Omit<DaemonSpec, "ns"> {
  container: string;
  pidFile: string; // on a path mounted at the same place in the container
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

  private innerPid(): string | undefined {
    try {
      const p = readFileSync(this.spec.pidFile, "utf8").trim();
      return /^\d+$/.test(p) ? p : undefined;
    } catch {
      return undefined;
    }
  }

  /** SIGTERM inside the container, then SIGKILL after the deadline; the exec client ends with it. */
  async stop(deadlineMs = 3000): Promise<void> {
    if (!this.running) return;
    const inner = this.innerPid();
    if (inner) await run(["docker", "exec", this.spec.container, "kill", "-TERM", inner], { timeoutMs: 5000 });
    let left = await waitGone([this.pid], inner ? deadlineMs : 0);
    if (left.length > 0 && inner) {
      await run(["docker", "exec", this.spec.container, "kill", "-KILL", inner], { timeoutMs: 5000 });
      left = await waitGone([this.pid], 2000);
    }
    if (left.length > 0) {
      signal(this.pid, "SIGKILL");
      await waitGone([this.pid], 2000);
    }
  }
}
