// PowerDNS Authoritative Server as a one-shot site signer: PowerDNS's own online signing, the way an
// operator runs pdns with the bind backend and its DNSSEC database (bind-dnssec-db).
//
//   pdnsutil create-bind-db  ->  check-zone ZONE  ->  secure-zone ZONE   (ECDSA P-256 KSK + ZSK, pdns.conf)
//   setpriv --pdeathsig KILL -- unshare --net -- sh in-private-net.sh pdns_server --config-dir=<workDir>
//   nsenter --net=/proc/<pid>/ns/net -- dig -p 10053 @127.0.0.1 ZONE AXFR     (polled until fully signed)
//   pdnsutil export-zone-ds ZONE                                              (the SHA-256 line)
//
// The keys are made before the server starts, so it never answers for the zone unsigned (a running
// pdns_server keeps serving cached unsigned answers for a while after a later `secure-zone`). The
// server runs in a private, empty network namespace: parallel calls never share a port and nothing
// listens in the host's namespace. The AXFR is the signed zone file; the DS is pdnsutil's, checked
// against the KSK that signs the transferred DNSKEY RRset. pdns_server is stopped (SIGTERM, deadline,
// SIGKILL) on success and failure alike, and a temporary control-socket folder is removed.
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  privateNetnsOf,
  startPrivateServer,
  stopPrivateServer,
  untilServer,
  type PrivateServer,
} from "../../harness/driver/private-server.ts";
import { run } from "../../harness/os/exec.ts";
import { renderTemplate } from "../../harness/world/template.ts";
import { absolute, dsRdata, dsRdataOf, fullySigned, keyTag, sha256DsLines, type SignedZone } from "./signed-zone.ts";

export interface SignRequest {
  zone: string; // "remote.test" or "remote.test."
  unsignedZoneFile: string; // absolute path of the unsigned zone text
  workDir: string; // absolute, a folder this call owns (config, key database, logs, result go here)
  deadlineMs?: number; // default 20000: then the call fails with the logs' tails
  /** Resolves once unsignedZoneFile is written (absent: it is); the deadline counts from then. */
  zoneReady?: Promise<void>;
}
export interface SignResult {
  signedZoneFile: string;
  ds: string[]; // "remote.test. 3600 IN DS <tag> 13 2 <HEX>": the KSK's SHA-256 DS
  dnskeys: string[]; // the DNSKEY RRs of the signed zone
  logFiles: string[];
  seconds: number;
}

const HERE = fileURLToPath(new URL(".", import.meta.url));
const PORT = 10053; // inside the private namespace only
const DS_TTL = 3600;
const STOP_MS = 3000;

export async function signZone(req: SignRequest): Promise<SignResult> {
  await req.zoneReady;
  const t0 = performance.now();
  const deadlineAt = Date.now() + (req.deadlineMs ?? 20_000);
  const origin = absolute(req.zone);
  if (!/^([a-z0-9_-]+\.)*$/.test(origin)) throw new Error(`powerdns signZone: bad zone ${JSON.stringify(req.zone)}`);
  if (!isAbsolute(req.workDir) || !isAbsolute(req.unsignedZoneFile))
    throw new Error("powerdns signZone: workDir and unsignedZoneFile must be absolute paths");
  if (/["\\\s]/.test(req.workDir)) throw new Error(`powerdns signZone: workDir unusable in pdns.conf: ${req.workDir}`);

  const w = req.workDir;
  const base = origin === "." ? "root" : origin.slice(0, -1);
  const f = {
    conf: join(w, "pdns.conf"),
    named: join(w, "named.conf"),
    db: join(w, "dnssec.db"),
    zoneFile: join(w, `${base}.zone`),
    serverLog: join(w, "pdns_server.log"),
    cliLog: join(w, "commands.log"),
    axfr: join(w, "axfr.txt"),
    result: join(w, `${base}.signed.zone`),
  };
  const logFiles = [f.serverLog, f.cliLog, f.conf, f.named];
  // A reused workDir must not bring back old keys or pass an old result off as new.
  for (const old of [f.db, f.result, f.axfr]) rmSync(old, { force: true });
  copyFileSync(req.unsignedZoneFile, f.zoneFile);
  // The control socket's path must stay under 108 bytes: in workDir when that is short enough,
  // else in a private temporary folder (removed once the server is gone).
  const ownSockDir = Buffer.byteLength(join(w, "pdns.controlsocket")) > 100;
  const sockDir = ownSockDir ? mkdtempSync(join(tmpdir(), "nccoe-pdns-")) : w;
  const vars = { dir: w, sockDir, port: PORT, zone: origin, zoneFile: f.zoneFile };
  for (const [tpl, out] of [
    ["signer-pdns.conf", f.conf],
    ["signer-named.conf", f.named],
  ] as const) {
    const file = join(HERE, "templates", tpl);
    writeFileSync(out, renderTemplate(readFileSync(file, "utf8"), vars, file));
  }

  const left = () => Math.max(1000, deadlineAt - Date.now());
  const cli = async (argv: string[]) => {
    const r = await logged(argv, left(), f.cliLog);
    if (r.code !== 0) throw new Error(`${argv.join(" ")} failed (exit ${r.code}): ${r.out.trim().slice(-500)}`);
    return r.out;
  };
  const pdnsutil = (...args: string[]) => cli(["pdnsutil", `--config-dir=${w}`, ...args]);

  let server: PrivateServer | undefined;
  let exported: Promise<string> | undefined;
  let failure: unknown;
  let result: Omit<SignResult, "seconds"> | undefined;
  try {
    await pdnsutil("create-bind-db", f.db);
    // The bind backend parses record contents only when they are asked for: a bad record would
    // otherwise show only as failing transfers until the deadline.
    await pdnsutil("check-zone", origin);
    // default-ksk-algorithm and default-zsk-algorithm (ecdsa256, in pdns.conf): a KSK and a ZSK.
    await pdnsutil("secure-zone", origin);
    server = await startPrivateServer(
      join(HERE, "in-private-net.sh"),
      ["pdns_server", `--config-dir=${w}`],
      f.serverLog,
    );
    exported = pdnsutil("export-zone-ds", origin); // meanwhile; awaited below and before returning
    exported.catch(() => undefined);
    const netns = await untilServer("pdns_server in its private network namespace", deadlineAt, server, () =>
      privateNetnsOf(server!),
    );
    const dig = ["nsenter", `--net=${netns}`, "--", "dig", "-p", String(PORT), "@127.0.0.1", origin, "AXFR"];
    const signed = await untilServer(`a fully signed AXFR of ${origin}`, deadlineAt, server, async () => {
      const r = await run([...dig, "+onesoa", "+nosplit", "+noall", "+answer", "+time=1", "+tries=1"], {
        timeoutMs: left(),
      });
      if (r.code !== 0) return undefined; // not listening yet
      writeFileSync(f.axfr, r.stdout);
      return fullySigned(origin, r.stdout);
    });
    checkKeys(origin, signed);
    const ds = checkDs(origin, signed, sha256DsLines(await exported, origin, DS_TTL));
    writeFileSync(f.result, signed.text);
    const dnskeys = signed.rrs.filter((r) => r.type === "DNSKEY").map((r) => r.line);
    result = { signedZoneFile: f.result, ds, dnskeys, logFiles };
  } catch (e) {
    failure = e ?? new Error("unknown failure");
  }
  await exported?.catch(() => undefined); // no pdnsutil outlives the call
  const stopped = server ? await stopPrivateServer(server, STOP_MS) : true;
  if (ownSockDir) rmSync(sockDir, { recursive: true, force: true });
  const seconds = (performance.now() - t0) / 1000;
  if (result && failure === undefined && stopped) return { ...result, seconds };
  const why = failure instanceof Error ? failure.message : failure !== undefined ? String(failure) : "";
  const lines = [`powerdns signZone(${origin}) failed after ${seconds.toFixed(2)} s: ${why}`];
  if (!stopped) lines.push(`pdns_server (pid ${server?.pid}) did not exit after SIGKILL`);
  throw new Error([...lines, ...[f.serverLog, f.cliLog].map((l) => tail(l))].join("\n"), { cause: failure });
}

/** The zone is signed as configured: an ECDSA P-256 (13) KSK and ZSK, nothing else. */
function checkKeys(origin: string, signed: SignedZone): void {
  const keys = signed.rrs.filter((r) => r.type === "DNSKEY").map((r) => `${r.rdata[0]}/${r.rdata[2]}`);
  if (keys.sort().join(" ") !== "256/13 257/13")
    throw new Error(
      `${origin}: expected one ECDSA P-256 ZSK and KSK (256/13 257/13), the zone has [${keys.join(" ")}]`,
    );
}

/** pdnsutil's SHA-256 DS must be the DS of exactly the KSKs that sign the transferred DNSKEY RRset. */
function checkDs(origin: string, signed: SignedZone, exported: string[]): string[] {
  const ours = signed.ksks.map(dsRdataOf).sort();
  const theirs = exported.map(dsRdata).sort();
  if (exported.length === 0 || ours.join("|") !== theirs.join("|"))
    throw new Error(
      `${origin}: pdnsutil export-zone-ds [${theirs.join("; ")}] is not the DS of the KSK(s) ` +
        `${signed.ksks.map(keyTag).join(", ")} signing the DNSKEY RRset [${ours.join("; ")}]`,
    );
  return exported;
}

/** A short command (argv) with a hard timeout; its transcript is appended to `log`. */
async function logged(argv: string[], timeoutMs: number, log: string): Promise<{ code: number; out: string }> {
  const start = Date.now();
  let code: number;
  let out: string;
  try {
    const r = await run(argv, { timeoutMs });
    code = r.code;
    out = `${r.stdout}${r.stderr}`;
  } catch (e) {
    code = 127;
    out = `${(e as Error).message}\n`;
  }
  const nl = out && !out.endsWith("\n") ? "\n" : "";
  appendFileSync(log, `$ ${argv.join(" ")}\n${out}${nl}[exit ${code} after ${Date.now() - start} ms]\n`);
  return { code, out };
}

function tail(file: string, lines = 20): string {
  try {
    return `--- ${file}\n${readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n")}`;
  } catch {
    return `--- ${file} (none)`;
  }
}
