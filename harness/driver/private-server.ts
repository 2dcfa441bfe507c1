// A throw-away server for a signer: started in a private network namespace of its own (setpriv
// kills it with the harness, unshare gives it no network but loopback, the environment's script
// brings loopback up), polled until it has done its work, then stopped. BIND and PowerDNS sign
// this way.
import { readFileSync, readlinkSync } from "node:fs";
import { startProcess } from "../os/exec.ts";
import { isGone, signal, waitGone } from "./daemon.ts";

export interface PrivateServer {
  /** The program, as /proc/<pid>/comm shows it once the script has exec'd it. */
  name: string;
  pid: number;
  exit?: string; // set once it has exited
}

/** Start `script` (which execs `argv` in the new namespace) with output appended to `outputFile`
 *  (through the launcher: see harness/os/exec.ts); resolves once it has a pid. */
export async function startPrivateServer(script: string, argv: string[], outputFile: string): Promise<PrivateServer> {
  const name = argv[0]!;
  const all = ["setpriv", "--pdeathsig", "KILL", "--", "unshare", "--net", "--", "/bin/sh", script, ...argv];
  const started = await startProcess({ argv: all, outputFile }).catch((e: Error) => {
    throw new Error(`could not start setpriv/unshare/${name}: ${e.message}`);
  });
  const server: PrivateServer = { name, pid: started.pid };
  void started.exited.then(({ code, signal: sig }) => (server.exit = sig ? `killed by ${sig}` : `exit ${code}`));
  return server;
}

/** SIGTERM, a deadline, then SIGKILL. True once the process is gone. */
export async function stopPrivateServer(server: PrivateServer, stopMs = 3000): Promise<boolean> {
  if (isGone(server.pid)) return true;
  signal(server.pid, "SIGTERM");
  if ((await waitGone([server.pid], stopMs)).length === 0) return true;
  signal(server.pid, "SIGKILL");
  return (await waitGone([server.pid], 2000)).length === 0;
}

/** The namespace file of the server once it is the program itself, in a network namespace that is not ours. */
export function privateNetnsOf(server: PrivateServer): string | undefined {
  try {
    const comm = readFileSync(`/proc/${server.pid}/comm`, "utf8").trim();
    const path = `/proc/${server.pid}/ns/net`;
    if (comm !== server.name || readlinkSync(path) === readlinkSync("/proc/self/ns/net")) return undefined;
    return path;
  } catch {
    return undefined;
  }
}

/** Poll `check` until it gives a value; fail if the server exits first or the deadline passes. */
export async function untilServer<T>(
  what: string,
  deadlineAt: number,
  server: PrivateServer,
  check: () => Promise<T | undefined> | T | undefined,
  pollMs = 20,
): Promise<T> {
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (server.exit !== undefined || isGone(server.pid))
      throw new Error(`${server.name} exited (${server.exit ?? "?"}) before ${what}`);
    if (Date.now() > deadlineAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
