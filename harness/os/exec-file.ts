// Start one command (argv, no shell) and collect its exit status and output. Shared by the
// launcher process and by exec.ts's fallback when the launcher cannot run.
import { execFile } from "node:child_process";

export interface ExecFileRequest {
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  input?: string;
}

/** `done` gets the exit status and output, or `spawnError` when the command could not start. */
export function execCollect(
  r: ExecFileRequest,
  done: (result: { code: number; stdout: string; stderr: string } | { spawnError: string }) => void,
): void {
  const [cmd, ...args] = r.argv;
  const child = execFile(
    cmd!,
    args,
    { cwd: r.cwd, env: r.env, timeout: r.timeoutMs, maxBuffer: 64 << 20, encoding: "utf8" },
    (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === "string") return done({ spawnError: err.message });
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      done({ code: typeof code === "number" ? code : 1, stdout, stderr });
    },
  );
  if (r.input !== undefined) child.stdin?.end(r.input);
}
