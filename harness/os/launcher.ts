// The launcher: a small child process that starts commands for the harness. Starting a process
// from the harness itself means fork() of a large process (hundreds of MB of heap), which costs
// tens of ms of a core each time; from this small one it costs little. Requests and replies are
// IPC messages; the launcher exits when the harness goes away.
import {
  execCollect,
  startToFile,
  type ExecFileRequest,
  type ProcessExit,
  type StartFileRequest,
} from "./exec-file.ts";

/** "run": a command run to its end; "start": a long-lived one (a daemon), its output to a file. */
export type LaunchRequest =
  ({ kind: "run" } & ExecFileRequest & { id: number }) | ({ kind: "start" } & StartFileRequest & { id: number });

export type LaunchReply =
  | { id: number; code: number; stdout: string; stderr: string; signal?: string }
  | { id: number; spawnError: string }
  | { id: number; pid: number }
  | { id: number; exit: ProcessExit };

const reply = (m: LaunchReply) => process.send?.(m);

process.on("message", (m) => {
  const r = m as LaunchRequest;
  if (r.kind === "start")
    startToFile(
      r,
      (s) => reply({ id: r.id, ...s }),
      (exit) => reply({ id: r.id, exit }),
    );
  else execCollect(r, (result) => reply({ id: r.id, ...result }));
});
process.on("disconnect", () => process.exit(0));
