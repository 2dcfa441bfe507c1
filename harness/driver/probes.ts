// Readiness: poll a condition until it holds or a deadline passes. Never a fixed sleep.
import { connect } from "node:net";
import { existsSync, readFileSync } from "node:fs";
import { run } from "../os/exec.ts";
import { listeningIn } from "./proc-net.ts";

export interface DnsAnswer {
  rcode: string;
  flags: string[];
  answer: string[]; // RR lines
}

/** One query with dig from inside a namespace. */
export async function dig(
  ns: string,
  server: string,
  name: string,
  type: string,
  opts: { cd?: boolean } = {},
): Promise<DnsAnswer> {
  const { stdout } = await run(["ip", "netns", "exec", ns, ...digArgv(server, name, type, opts)], { timeoutMs: 5000 });
  return parseDig(stdout);
}

/** One dig query: DO set, header and answer only, one try of one second. */
export function digArgv(server: string, name: string, type: string, opts: { cd?: boolean } = {}): string[] {
  const argv = ["dig", "+dnssec", "+noall", "+comments", "+answer", "+time=1", "+tries=1"];
  if (opts.cd) argv.push("+cd");
  return [...argv, `@${server}`, name, type];
}

export function parseDig(stdout: string): DnsAnswer {
  const header = /status: ([A-Z]+)/.exec(stdout);
  const flags = /;; flags: ([a-z ]+);/.exec(stdout)?.[1]?.trim().split(/\s+/) ?? [];
  const answer = stdout.split("\n").filter((l) => l && !l.startsWith(";"));
  return { rcode: header?.[1] ?? "NO-ANSWER", flags, answer };
}

/** With the pid of a process inside the namespace, read its /proc view; otherwise ask `ss`. */
export async function tcpListening(ns: string, host: string, port: number, pid?: number): Promise<boolean> {
  if (pid !== undefined) return listeningIn(pid, host, port);
  const { stdout } = await run(["ss", "-N", ns, "-H", "-l", "-t", "-n", "src", `${host}:${port}`]);
  return stdout.trim().length > 0;
}

export function unixAnswers(path: string): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const s = connect(path, () => {
      s.end();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

export function fileContains(path: string, text: string): boolean {
  try {
    return readFileSync(path, "utf8").includes(text);
  } catch {
    return false;
  }
}

export class NotReady extends Error {}

/** Poll `check` every `intervalMs` until it returns true; throw NotReady with `what` on the deadline. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  opts: { timeoutMs?: number; intervalMs?: number; alive?: () => string | undefined } = {},
): Promise<void> {
  const until = Date.now() + (opts.timeoutMs ?? 15_000);
  const interval = opts.intervalMs ?? 25;
  for (;;) {
    if (await check()) return;
    const dead = opts.alive?.();
    if (dead) throw new NotReady(`${what}: ${dead}`);
    if (Date.now() > until) throw new NotReady(`${what}: not ready after ${opts.timeoutMs ?? 15_000} ms`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
