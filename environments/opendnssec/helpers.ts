// Helpers for signer.ts: processes (argv only, stdio to files, kill by PID and by mount namespace),
// {{name}} templates, and the bits of DNSSEC arithmetic (key tag, DS) used to check the output.
import { kill, startLogged, type Proc } from "../../harness/driver/logged-process.ts";
import { run } from "../../harness/os/exec.ts";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { dnskeyRdata, keyTag, nameWire } from "../../harness/world/dnskey.ts";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const fileExists = existsSync;

// ---- processes --------------------------------------------------------------------------------

export { startLogged, type Proc };

export interface CliResult {
  code: number | null;
  out: string;
  /** "exit 3", or why there is no exit code ("timed out, killed by SIGKILL"). */
  status: string;
}

/** Runs a short command (argv, no shell) with a hard timeout and appends a transcript to `log`. */
export async function runCli(
  argv: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
  log: string,
): Promise<CliResult> {
  const start = new Date();
  const timeout = Math.max(1, timeoutMs);
  const r = await run(argv, { env, timeoutMs: timeout, killSignal: "SIGKILL" }).catch((e: Error) => e);
  const ms = Date.now() - start.getTime();
  const code = r instanceof Error || r.signal ? null : r.code;
  const status =
    r instanceof Error
      ? `could not run: ${r.message}`
      : r.signal
        ? `${ms >= timeout ? "timed out, " : ""}killed by ${r.signal}`
        : `exit ${r.code}`;
  const out = r instanceof Error ? "" : `${r.stdout}${r.stderr}`;
  const nl = out && !out.endsWith("\n") ? "\n" : "";
  appendFileSync(log, `[${start.toISOString()}] $ ${argv.join(" ")}\n${out}${nl}[${status} after ${ms} ms]\n`);
  return { code, out, status };
}

/** Polls `probe` until it returns a value; throws at the deadline or as soon as `abort` gives a reason. */
export async function waitFor<T>(
  what: string,
  deadlineAt: number,
  probe: () => T | undefined | Promise<T | undefined>,
  abort?: () => string | undefined,
  everyMs = 20,
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

export function mountNs(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

export function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** True when the PID no longer exists or is a zombie (zombies hold no namespace and no files). */
export function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.charAt(stat.lastIndexOf(")") + 2);
    return state === "Z" || state === "X" || state === "x";
  } catch {
    return true;
  }
}

/** Live PIDs in mount namespace `ns`: the anchor, the daemons and anything they forked. */
export function pidsInNs(ns: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    if (mountNs(Number(d)) === ns && !isGone(Number(d))) out.push(Number(d));
  }
  return out;
}

/** SIGKILLs `procs` and every process left in mount namespace `ns`, until none is left. */
export async function killAll(procs: Proc[], ns: string | undefined, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const alive = procs.filter((p) => p.exit === undefined && !isGone(p.pid));
    const strays = ns ? pidsInNs(ns) : [];
    if (alive.length === 0 && strays.length === 0) break;
    for (const p of alive) kill(p, "SIGKILL");
    for (const pid of strays) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    if (Date.now() >= until) {
      const names = [...alive.map((p) => `${p.name}[${p.pid}]`), ...strays.map(String)];
      throw new Error(`still running after SIGKILL: ${names.join(" ")}`);
    }
    await sleep(10);
  }
  // Let node reap its own children so that none is left behind as a zombie.
  await Promise.race([Promise.all(procs.map((p) => p.gone)), sleep(Math.max(0, until - Date.now()))]);
}

// ---- templates --------------------------------------------------------------------------------

/** `{{name}}` substitution; a placeholder without a value is an error. */
export function render(tpl: string, vars: Record<string, string | number>): string {
  return tpl.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    if (!(k in vars)) throw new Error(`template placeholder {{${k}}} has no value`);
    return String(vars[k]);
  });
}

export const xmlEscape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function tail(file: string, lines = 25): string {
  try {
    const all = readFileSync(file, "utf8").trimEnd().split("\n");
    return `--- ${file} (last ${Math.min(lines, all.length)} lines)\n${all.slice(-lines).join("\n")}`;
  } catch {
    return `--- ${file} (missing)`;
  }
}

// ---- zone text and DNSSEC ---------------------------------------------------------------------

export interface RR {
  owner: string;
  ttl: number;
  type: string;
  rdata: string[];
}

/** One-RR-per-line presentation text as ods-signerd writes it; comments dropped. */
export function parseSigned(text: string): RR[] {
  const rrs: RR[] = [];
  for (const raw of text.split("\n")) {
    const f = raw.replace(/;.*$/, "").trim().split(/\s+/);
    if (f.length < 5 || !/^\d+$/.test(f[1]) || f[2].toUpperCase() !== "IN") continue;
    rrs.push({ owner: f[0].toLowerCase(), ttl: Number(f[1]), type: f[3].toUpperCase(), rdata: f.slice(4) });
  }
  return rrs;
}

export const rrLine = (rr: RR) => `${rr.owner}\t${rr.ttl}\tIN\t${rr.type}\t${rr.rdata.join(" ")}`;

export interface Signed {
  text: string;
  rrs: RR[];
  /** KSKs (SEP flag) whose key tag is on an RRSIG over the DNSKEY RRset. */
  ksks: RR[];
}

/** The output is usable once the DNSKEY RRset carries an RRSIG by a KSK and the SOA is signed. */
export function checkSigned(text: string): Signed | undefined {
  const rrs = parseSigned(text);
  const sigs = rrs.filter((r) => r.type === "RRSIG");
  const covers = (t: string) => sigs.filter((s) => s.rdata[0]?.toUpperCase() === t);
  const dnskeySigners = new Set(covers("DNSKEY").map((s) => Number(s.rdata[6])));
  const ksks = rrs.filter((r) => r.type === "DNSKEY" && (Number(r.rdata[0]) & 1) === 1 && dnskeySigners.has(keyTag(r)));
  return ksks.length > 0 && covers("SOA").length > 0 ? { text, rrs, ksks } : undefined;
}

/** DS RR (digest type 2, SHA-256) of a DNSKEY RR, in presentation form, digest in upper case. */
export function dsOf(rr: RR, ttl: number): string {
  const digest = createHash("sha256").update(Buffer.concat([nameWire(rr.owner), dnskeyRdata(rr)]));
  return `${rr.owner} ${ttl} IN DS ${keyTag(rr)} ${rr.rdata[2]} 2 ${digest.digest("hex").toUpperCase()}`;
}

/** "tag alg digesttype DIGEST" of a DS line, for comparisons. */
export function normDs(line: string): string {
  const f = line.replace(/;.*$/, "").trim().split(/\s+/);
  const i = f.findIndex((t) => t.toUpperCase() === "DS");
  return i < 0
    ? line
    : `${f[i + 1]} ${f[i + 2]} ${f[i + 3]} ${f
        .slice(i + 4)
        .join("")
        .toUpperCase()}`;
}

/** SOA TTL and minimum of an unsigned master file ($TTL, parentheses, comments and 1h-style units). */
export function soaTimes(text: string): { ttl: number; minimum: number } {
  const noComments = text
    .split("\n")
    .map((l) => l.replace(/;.*$/, ""))
    .join("\n");
  const joined = noComments.replace(/\(([^)]*)\)/g, (_, inner: string) => ` ${inner.replace(/\s+/g, " ")} `);
  let defaultTtl: number | undefined;
  for (const line of joined.split("\n")) {
    const f = line.trim().split(/\s+/).filter(Boolean);
    if (f[0]?.toUpperCase() === "$TTL") defaultTtl = ttlValue(f[1]);
    const i = f.findIndex((t) => t.toUpperCase() === "SOA");
    if (f[0]?.startsWith("$") || i < 0 || f.length < i + 8) continue;
    const explicit = f
      .slice(/^\s/.test(line) ? 0 : 1, i)
      .map(ttlValue)
      .find((v) => v !== undefined);
    const minimum = ttlValue(f[i + 7]);
    if (minimum !== undefined) return { ttl: explicit ?? defaultTtl ?? minimum, minimum };
  }
  throw new Error("no SOA record found in the unsigned zone file");
}

function ttlValue(tok: string | undefined): number | undefined {
  if (!tok) return undefined;
  if (/^\d+$/.test(tok)) return Number(tok);
  if (!/^(\d+[smhdw])+$/i.test(tok)) return undefined;
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let n = 0;
  for (const [, v, u] of tok.matchAll(/(\d+)([smhdw])/gi)) n += Number(v) * unit[u.toLowerCase()];
  return n;
}
