// Start commands (argv, no shell): one that runs to its end, its exit status and output collected,
// or a long-lived one whose output is appended to a file (never a pipe it could hold open), its
// pid reported at once and its end later. Shared by the launcher process and by exec.ts's
// fallback when the launcher cannot run.
import { execFile, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";

export interface ExecFileRequest {
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  input?: string;
  /** The signal that ends the command at its time-out (SIGTERM unless told). */
  killSignal?: NodeJS.Signals;
}

export type ExecFileResult = { code: number; stdout: string; stderr: string; signal?: string } | { spawnError: string };

/** `done` gets the exit status and output (and the signal, when one ended the command), or
 *  `spawnError` when the command could not start. */
export function execCollect(r: ExecFileRequest, done: (result: ExecFileResult) => void): void {
  const [cmd, ...args] = r.argv;
  const child = execFile(
    cmd!,
    args,
    {
      cwd: r.cwd,
      env: r.env,
      timeout: r.timeoutMs,
      killSignal: r.killSignal ?? "SIGTERM",
      maxBuffer: 64 << 20,
      encoding: "utf8",
    },
    (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === "string") return done({ spawnError: err.message });
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      const signal = (err as { signal?: string | null } | null)?.signal;
      done({ code: typeof code === "number" ? code : 1, stdout, stderr, ...(signal ? { signal } : {}) });
    },
  );
  if (r.input !== undefined) child.stdin?.end(r.input);
}

export interface StartFileRequest {
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Standard output and error are appended to this file. */
  outputFile: string;
  /** In a process group of its own. */
  detached?: boolean;
}

export interface ProcessExit {
  code: number | null;
  signal: string | null;
}

/** Start a long-lived process: `started` gets its pid (or `spawnError`), then `exited` its end. */
export function startToFile(
  r: StartFileRequest,
  started: (s: { pid: number } | { spawnError: string }) => void,
  exited: (e: ProcessExit) => void,
): void {
  let fd: number;
  try {
    fd = openSync(r.outputFile, "a");
  } catch (e) {
    return started({ spawnError: (e as Error).message });
  }
  try {
    const [cmd, ...args] = r.argv;
    const child = spawn(cmd!, args, { cwd: r.cwd, env: r.env, stdio: ["ignore", fd, fd], detached: !!r.detached });
    // A command that cannot start has no pid, and says why in an "error" event that follows.
    child.once("error", (e) => child.pid === undefined && started({ spawnError: e.message }));
    if (child.pid === undefined) return;
    child.once("exit", (code, signal) => exited({ code, signal }));
    child.unref();
    started({ pid: child.pid });
  } finally {
    closeSync(fd);
  }
}
