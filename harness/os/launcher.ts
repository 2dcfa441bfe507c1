// The launcher: a small child process that starts commands for the harness. Starting a process
// from the harness itself means fork() of a large process (hundreds of MB of heap), which costs
// tens of ms of a core each time; from this small one it costs little. Requests and replies are
// IPC messages; the launcher exits when the harness goes away.
import { execFile } from "node:child_process";

export interface LaunchRequest {
  id: number;
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  input?: string;
}

export type LaunchReply =
  { id: number; code: number; stdout: string; stderr: string } | { id: number; spawnError: string };

function launch(r: LaunchRequest): void {
  const [cmd, ...args] = r.argv;
  const child = execFile(
    cmd!,
    args,
    { cwd: r.cwd, env: r.env, timeout: r.timeoutMs, maxBuffer: 64 << 20, encoding: "utf8" },
    (err, stdout, stderr) => {
      let reply: LaunchReply;
      if (err && typeof (err as NodeJS.ErrnoException).code === "string") reply = { id: r.id, spawnError: err.message };
      else {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        reply = { id: r.id, code: typeof code === "number" ? code : 1, stdout, stderr };
      }
      process.send?.(reply);
    },
  );
  if (r.input !== undefined) child.stdin?.end(r.input);
}

process.on("message", (m) => launch(m as LaunchRequest));
process.on("disconnect", () => process.exit(0));
