// The launcher: a small child process that starts commands for the harness. Starting a process
// from the harness itself means fork() of a large process (hundreds of MB of heap), which costs
// tens of ms of a core each time; from this small one it costs little. Requests and replies are
// IPC messages; the launcher exits when the harness goes away.
import { execCollect, type ExecFileRequest } from "./exec-file.ts";

export interface LaunchRequest extends ExecFileRequest {
  id: number;
}

export type LaunchReply =
  { id: number; code: number; stdout: string; stderr: string } | { id: number; spawnError: string };

process.on("message", (m) => {
  const r = m as LaunchRequest;
  execCollect(r, (result) => process.send?.({ id: r.id, ...result } satisfies LaunchReply));
});
process.on("disconnect", () => process.exit(0));
