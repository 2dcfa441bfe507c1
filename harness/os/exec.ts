// Run a command as an argv array (never a shell string) and collect its output, or start a
// long-lived one (a daemon) with its output in a file. Commands are started by the launcher
// (launcher.ts), a small child process, so that the harness's own large heap is not forked for
// every command (on these machines that fork cost ~80 ms of a core, and blocked the harness while
// it ran); where the launcher cannot run, they start from here.
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { execCollect, startToFile, type ProcessExit, type StartFileRequest } from "./exec-file.ts";
import type { LaunchReply, LaunchRequest } from "./launcher.ts";
import { freshBundle } from "./bundle.ts";

export type { ProcessExit } from "./exec-file.ts";

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The signal that ended the command, when one did (its time-out, for one). */
  signal?: string;
}

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  input?: string;
  /** The signal that ends the command at its time-out (SIGTERM unless told). */
  killSignal?: NodeJS.Signals;
}

/** A long-lived process from startProcess(): its pid, and its end once it has ended. */
export interface StartedProcess {
  pid: number;
  exited: Promise<ProcessExit>;
}

let launcher: ChildProcess | undefined;
let launcherBroken = false;
let nextId = 1;
/** Reply handlers by request id (null: the launcher is gone). A started process's handler stays
 *  until its end is reported. */
const handlers = new Map<number, (m: LaunchReply | null) => void>();
/** Requests still waiting for their first reply: only these keep the launcher (and so the harness) alive. */
let inFlight = 0;

function launcherProcess(): ChildProcess | undefined {
  if (launcherBroken) return undefined;
  if (launcher?.connected) return launcher;
  try {
    // Bundled when the bundle is current (os/bundle.ts): through tsx it costs about 1 s of a core.
    const bundled = freshBundle(join(import.meta.dirname, "..", ".."), "launcher");
    const child = fork(bundled ?? join(import.meta.dirname, "launcher.ts"), [], {
      execArgv: bundled ? [] : ["--import", import.meta.resolve("tsx")],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      serialization: "advanced",
    });
    child.on("message", (m: LaunchReply) => handlers.get(m.id)?.(m));
    child.on("exit", () => {
      launcher = undefined;
      for (const h of [...handlers.values()]) h(null);
    });
    child.on("error", () => (launcherBroken = true));
    launcher = child;
    return child;
  } catch {
    launcherBroken = true;
    return undefined;
  }
}

/** Ends the launcher and waits (a second at most) until it is gone: otherwise it outlived the
 *  harness by a moment, and a caller that waits for the harness's whole process group found it
 *  left behind. */
export function closeLauncher(): Promise<void> {
  const l = launcher;
  if (!l?.connected) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 1000);
    l.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    l.disconnect(); // the launcher exits when its channel closes
  });
}

/** An idle launcher must not keep the harness alive. */
function setRef(c: ChildProcess, on: boolean): void {
  const channel = (c as unknown as { channel?: { ref(): void; unref(): void } }).channel;
  if (on) {
    c.ref();
    channel?.ref();
  } else {
    c.unref();
    channel?.unref();
  }
}

function send(l: ChildProcess, req: LaunchRequest, onReply: (m: LaunchReply | null) => void): void {
  handlers.set(req.id, onReply);
  if (inFlight++ === 0) setRef(l, true);
  l.send(req);
}

/** The request's first reply has come. */
function answered(): void {
  if (--inFlight === 0 && launcher) setRef(launcher, false);
}

export function run(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  if (!argv[0]) throw new Error("empty argv");
  const what = argv.join(" ");
  const l = launcherProcess();
  // The environment as it is now (a run tags its own environment; commands inherit the tag).
  const req = { argv, ...opts, env: opts.env ?? { ...process.env }, timeoutMs: opts.timeoutMs ?? 30_000 };
  return new Promise((resolve, reject) => {
    const settle = (m: LaunchReply | ({ spawnError: string } | ExecResult) | null) => {
      if (m === null) reject(new Error(`${what}: the launcher exited`));
      else if ("spawnError" in m) reject(new Error(`${what}: ${m.spawnError}`));
      else if ("code" in m)
        resolve({ code: m.code, stdout: m.stdout, stderr: m.stderr, ...(m.signal ? { signal: m.signal } : {}) });
    };
    if (!l) return execCollect(req, settle);
    const id = nextId++;
    send(l, { kind: "run", id, ...req }, (m) => {
      handlers.delete(id);
      answered();
      settle(m);
    });
  });
}

/** Like run(), but a non-zero exit is an error that quotes the command and its stderr. */
export async function runOk(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const r = await run(argv, opts);
  if (r.code !== 0) {
    const tail = (r.stderr || r.stdout).trim().split("\n").slice(-5).join("\n");
    throw new Error(`command failed (exit ${r.code}): ${argv.join(" ")}\n${tail}`);
  }
  return r;
}

/** Start a long-lived process, its output appended to `outputFile`; resolves once it has a pid.
 *  Should the launcher itself end first, the process's end can no longer be told: it counts as
 *  ended then (code and signal null). */
export function startProcess(r: StartFileRequest): Promise<StartedProcess> {
  if (!r.argv[0]) throw new Error("empty argv");
  const what = r.argv.join(" ");
  const req = { ...r, env: r.env ?? { ...process.env } };
  let ended!: (e: ProcessExit) => void;
  const exited = new Promise<ProcessExit>((resolve) => (ended = resolve));
  return new Promise((resolve, reject) => {
    const started = (s: { pid: number } | { spawnError: string }) =>
      "pid" in s ? resolve({ pid: s.pid, exited }) : reject(new Error(`${what}: ${s.spawnError}`));
    const l = launcherProcess();
    if (!l) return startToFile(req, started, ended);
    const id = nextId++;
    let first = true;
    send(l, { kind: "start", id, ...req }, (m) => {
      if (first) answered();
      if (m === null && first) started({ spawnError: "the launcher exited" });
      else if (m === null) ended({ code: null, signal: null });
      else if ("pid" in m || "spawnError" in m) started(m);
      else if ("exit" in m) ended(m.exit);
      first = false;
      if (m === null || "spawnError" in m || "exit" in m) handlers.delete(id);
    });
  });
}
