// A daemon started in a network namespace, with its output in a file (never an inherited pipe),
// and stopped with a deadline: SIGTERM, then SIGKILL. A zombie counts as stopped.
import { readFileSync } from "node:fs";
import { startProcess } from "../os/exec.ts";

export interface DaemonSpec {
  name: string; // for messages, e.g. "remote/postfix mta-receiver"
  /** The network namespace to run in; absent: the machine's own (only the docker driver's
   *  packet capture, which watches the containers' interfaces from outside). */
  ns?: string;
  argv: string[];
  cwd: string;
  outputFile: string;
  env?: NodeJS.ProcessEnv;
}

export function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

export async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  let left = pids.filter((p) => !isGone(p));
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    left = left.filter((p) => !isGone(p));
  }
  return left;
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

const CHECK_MS = 100;

export class Daemon {
  exitCode: number | null = null;
  exited: Promise<void>;

  private constructor(
    readonly spec: DaemonSpec,
    readonly pid: number,
    exited: Promise<void>,
  ) {
    this.exited = exited;
  }

  /** Starts it (through the launcher: see harness/os/exec.ts) and resolves once it has a pid. */
  static async start(spec: DaemonSpec): Promise<Daemon> {
    const argv = spec.ns ? ["ip", "netns", "exec", spec.ns, ...spec.argv] : spec.argv;
    const p = await startProcess({
      argv,
      cwd: spec.cwd,
      env: spec.env,
      outputFile: spec.outputFile,
      detached: true, // its own process group: Ctrl-C reaches the harness, which stops it in order
    }).catch((e: Error) => {
      throw new Error(`${spec.name}: could not start ${spec.argv[0]}: ${e.message}`);
    });
    let daemon: Daemon;
    const exited = p.exited.then(({ code, signal }) => {
      daemon.exitCode = code ?? (signal ? 128 : 1);
    });
    daemon = new Daemon(spec, p.pid, exited);
    return daemon;
  }

  private checkedAt = -Infinity;
  private wasGone = false;

  /** Its exit as the launcher reported it, or else a look at /proc at most every CHECK_MS: every
   *  cell asks about every daemon of its world, and a read of /proc costs a system call. */
  get running(): boolean {
    if (this.exitCode !== null) return false;
    const now = performance.now();
    if (now - this.checkedAt >= CHECK_MS) {
      this.wasGone = isGone(this.pid);
      this.checkedAt = now;
    }
    return !this.wasGone;
  }

  /** The tail of the daemon's own output, for error messages. */
  outputTail(lines = 8): string {
    try {
      return readFileSync(this.spec.outputFile, "utf8").trim().split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  async stop(deadlineMs = 3000): Promise<void> {
    if (!this.running) return;
    signal(-this.pid, "SIGTERM");
    signal(this.pid, "SIGTERM");
    const left = await waitGone([this.pid], deadlineMs);
    if (left.length > 0) {
      signal(-this.pid, "SIGKILL");
      signal(this.pid, "SIGKILL");
      await waitGone([this.pid], 2000);
    }
  }
}
