// A process whose stdout and stderr are appended to a log file (never a pipe it could hold open),
// with its end as a promise. The one-shot signers (Knot, OpenDNSSEC) start their daemons this way.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";

export interface Proc {
  name: string;
  child: ChildProcess;
  /** Set once the process has exited (and was reaped) or could not start. */
  exit?: string;
  gone: Promise<void>;
}

export function startLogged(name: string, argv: string[], log: string, env?: NodeJS.ProcessEnv): Proc {
  const fd = openSync(log, "a");
  let child: ChildProcess;
  try {
    child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", fd, fd], ...(env ? { env } : {}) });
  } finally {
    closeSync(fd);
  }
  const p: Proc = { name, child, gone: Promise.resolve() };
  p.gone = new Promise<void>((resolve) => {
    child.once("exit", (code, sig) => {
      p.exit = sig ? `killed by ${sig}` : `exited with ${code}`;
      resolve();
    });
    child.once("error", (e) => {
      p.exit ??= `failed to start: ${e.message}`;
      if (child.pid === undefined) resolve();
    });
  });
  return p;
}
