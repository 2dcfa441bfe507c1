// Run a command as an argv array (never a shell string) and collect its output. Commands are
// started by the launcher (launcher.ts), a small child process, so that the harness's own large
// heap is not forked for every command; where it cannot run, they start from here.
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { execCollect } from "./exec-file.ts";
import type { LaunchReply, LaunchRequest } from "./launcher.ts";

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  input?: string;
}

let launcher: ChildProcess | undefined;
let launcherBroken = false;
let nextId = 1;
const pending = new Map<number, { argv: string[]; resolve: (r: ExecResult) => void; reject: (e: Error) => void }>();

function launcherProcess(): ChildProcess | undefined {
  if (launcherBroken) return undefined;
  if (launcher?.connected) return launcher;
  try {
    const child = fork(join(import.meta.dirname, "launcher.ts"), [], {
      execArgv: ["--import", import.meta.resolve("tsx")],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      serialization: "advanced",
    });
    child.on("message", (m: LaunchReply) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (pending.size === 0) unref(child);
      if (!p) return;
      if ("spawnError" in m) p.reject(new Error(`${p.argv.join(" ")}: ${m.spawnError}`));
      else p.resolve({ code: m.code, stdout: m.stdout, stderr: m.stderr });
    });
    child.on("exit", () => {
      launcher = undefined;
      for (const p of pending.values()) p.reject(new Error(`${p.argv.join(" ")}: the launcher exited`));
      pending.clear();
    });
    child.on("error", () => (launcherBroken = true));
    launcher = child;
    return child;
  } catch {
    launcherBroken = true;
    return undefined;
  }
}

/** An idle launcher must not keep the harness alive. */
function unref(c: ChildProcess): void {
  c.unref();
  (c as unknown as { channel?: { unref(): void } }).channel?.unref();
}
function ref(c: ChildProcess): void {
  c.ref();
  (c as unknown as { channel?: { ref(): void } }).channel?.ref();
}

function runHere(argv: string[], opts: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve, reject) =>
    execCollect({ argv, ...opts, timeoutMs: opts.timeoutMs ?? 30_000 }, (r) =>
      "spawnError" in r ? reject(new Error(`${argv.join(" ")}: ${r.spawnError}`)) : resolve(r),
    ),
  );
}

export function run(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  if (!argv[0]) throw new Error("empty argv");
  const l = launcherProcess();
  if (!l) return runHere(argv, opts);
  const id = nextId++;
  // The environment as it is now (a run tags its own environment; commands inherit the tag).
  const req: LaunchRequest = {
    id,
    argv,
    cwd: opts.cwd,
    env: opts.env ?? { ...process.env },
    timeoutMs: opts.timeoutMs ?? 30_000,
    input: opts.input,
  };
  return new Promise((resolve, reject) => {
    pending.set(id, { argv, resolve, reject });
    ref(l);
    l.send(req);
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
