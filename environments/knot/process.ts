// Process plumbing for the one-shot Knot signer: a daemon with stdio appended to a log file (never
// a pipe), short commands (argv, hard timeout, transcript), polling, and stop = SIGTERM, deadline, SIGKILL.
import { kill, startLogged, type Proc } from "../../harness/driver/logged-process.ts";
import { run } from "../../harness/os/exec.ts";
import { appendFileSync, readFileSync } from "node:fs";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export { startLogged, type Proc };

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is reaped (or throws after `killMs`). */
export async function stop(p: Proc, graceMs: number, killMs = 3000): Promise<"terminated" | "killed" | "was gone"> {
  if (p.exit !== undefined) return "was gone";
  const waitGone = (ms: number) => Promise.race([p.gone.then(() => true), sleep(ms).then(() => false)]);
  kill(p, "SIGTERM");
  if (await waitGone(graceMs)) return "terminated";
  kill(p, "SIGKILL");
  if (await waitGone(killMs)) return "killed";
  throw new Error(`${p.name} [${p.pid}] still running after SIGKILL`);
}

export interface CliResult {
  code: number | null;
  out: string;
}

/** A short command (argv, no shell) with a hard timeout; appends a transcript to `log` if given. */
export async function runCli(argv: string[], timeoutMs: number, log?: string): Promise<CliResult> {
  const t0 = Date.now();
  const timeout = Math.max(1, timeoutMs);
  const r = await run(argv, { timeoutMs: timeout, killSignal: "SIGKILL" }).catch((e: Error) => e);
  const code = r instanceof Error || r.signal ? null : r.code;
  const note =
    r instanceof Error
      ? `[${r.message}]\n`
      : r.signal
        ? `[${Date.now() - t0 >= timeout ? "killed: timed out" : `killed by ${r.signal}`}]\n`
        : "";
  const out = r instanceof Error ? "" : `${r.stdout}${r.stderr}`;
  const shown = out.length > 4000 ? `${out.slice(0, 4000)}\n[... ${out.length - 4000} more characters]\n` : out;
  if (log)
    appendFileSync(
      log,
      `[${new Date(t0).toISOString()}] $ ${argv.join(" ")}\n${shown}${shown && !shown.endsWith("\n") ? "\n" : ""}${note}` +
        `[exit ${code} after ${Date.now() - t0} ms]\n`,
    );
  return { code, out: out + note };
}

/** Polls `probe` until it gives a value; throws at the deadline, or at once when `abort` gives a reason. */
export async function waitFor<T>(
  what: string,
  deadlineAt: number,
  probe: () => T | undefined | Promise<T | undefined>,
  abort?: () => string | undefined,
  everyMs = 10,
): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    const why = abort?.();
    if (why) throw new Error(`while waiting for ${what}: ${why}`);
    if (Date.now() >= deadlineAt) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function tail(file: string, lines = 20): string {
  try {
    const all = readFileSync(file, "utf8").trimEnd().split("\n");
    return `--- ${file} (last ${Math.min(lines, all.length)} lines)\n${all.slice(-lines).join("\n")}`;
  } catch {
    return `--- ${file} (missing)`;
  }
}
