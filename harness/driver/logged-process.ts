// A process whose stdout and stderr are appended to a log file (never a pipe it could hold open),
// started through the launcher (harness/os/exec.ts), with its end as a promise. The one-shot
// signers (Knot, OpenDNSSEC) start their daemons this way.
import { startProcess } from "../os/exec.ts";
import { signal } from "./daemon.ts";

export interface Proc {
  name: string;
  pid: number;
  /** Set once the process has exited (and was reaped). */
  exit?: string;
  gone: Promise<void>;
}

/** Resolves once the process has a pid; one that cannot start is an error. */
export async function startLogged(name: string, argv: string[], log: string, env?: NodeJS.ProcessEnv): Promise<Proc> {
  const started = await startProcess({ argv, outputFile: log, env });
  const p: Proc = { name, pid: started.pid, gone: Promise.resolve() };
  p.gone = started.exited.then(({ code, signal: sig }) => {
    p.exit = sig ? `killed by ${sig}` : `exited with ${code}`;
  });
  return p;
}

/** Signal the process, unless it has already ended. */
export function kill(p: Proc, sig: NodeJS.Signals): void {
  if (p.exit === undefined) signal(p.pid, sig);
}
