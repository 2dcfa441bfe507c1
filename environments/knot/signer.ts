// One-shot DNSSEC signer built on Knot DNS's automatic signing (knotd, dnssec-signing: on).
//
// Each call runs its own throw-away knotd:
//   setpriv --pdeathsig KILL -- unshare --net -- knotd -c <workDir>/knot.conf
// in a private, empty network namespace and with no listen address (so parallel calls can never
// share a port), its KASP database, zone storage and log in workDir, and its control socket in a
// short folder (workDir/run, or a private folder under the system temp dir when workDir is long).
// knotd makes an ECDSA P-256 KSK and ZSK (policy nccoe-p256, NSEC) and signs the zone at load.
// The signer polls `knotc zone-read` until the DNSKEY RRset is signed by a KSK, then writes the
// zone out with `knotc -b zone-flush +outdir`, stops knotd (SIGTERM, deadline, SIGKILL) and reads
// the KSK's DS with `keymgr <zone> ds`, checked against the DS computed from the signed zone.
import { readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderTemplate } from "../../harness/world/template.ts";
import { dsDigest, keyTag, rrLine, signedZone } from "./dnssec.ts";
import { runCli, startLogged, stop, tail, waitFor, type Proc } from "./process.ts";

export interface SignRequest {
  zone: string; // "remote.test" or "remote.test."
  unsignedZoneFile: string; // absolute path
  workDir: string; // absolute folder the signer owns (config, keys, logs, output)
  deadlineMs?: number; // whole call; default 20000
  /** Resolves once unsignedZoneFile is written (absent: it is); the deadline counts from then. */
  zoneReady?: Promise<void>;
}
export interface SignResult {
  signedZoneFile: string;
  ds: string[]; // "remote.test.\t3600\tIN\tDS\t<tag> 13 2 <SHA-256>"
  dnskeys: string[];
  logFiles: string[];
  seconds: number;
}

const HERE = fileURLToPath(new URL(".", import.meta.url));
const DS_TTL = 3600;
const STOP_GRACE_MS = 3000;
/** knotd gets SIGKILL should this node process die first (setpriv and unshare exec, never fork). */
const DIE_WITH_US = ["setpriv", "--pdeathsig", "KILL", "--"];

export async function signZone(req: SignRequest): Promise<SignResult> {
  await req.zoneReady;
  const started = performance.now();
  const deadlineAt = Date.now() + (req.deadlineMs ?? 20_000);
  const name = req.zone.replace(/\.$/, "").toLowerCase();
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name)) throw new Error(`signZone: bad zone ${JSON.stringify(req.zone)}`);
  if (!isAbsolute(req.workDir) || !isAbsolute(req.unsignedZoneFile))
    throw new Error("signZone: workDir and unsignedZoneFile must be absolute paths");
  const origin = `${name}.`;

  const w = req.workDir;
  const f = {
    conf: join(w, "knot.conf"),
    storage: join(w, "storage"),
    db: join(w, "db"),
    kasp: join(w, "db", "keys"),
    out: join(w, "out"),
    zoneFile: `${name}.zone`,
    result: join(w, `${name}.zone.signed`),
    log: join(w, "knotd.log"),
    stdout: join(w, "knotd.stdout.log"),
    commands: join(w, "commands.log"),
  };
  const logFiles = [f.log, f.stdout, f.commands, f.conf]; // evidence
  for (const d of [f.storage, f.db, f.kasp, f.out]) await mkdir(d, { recursive: true });
  await copyFile(req.unsignedZoneFile, join(f.storage, f.zoneFile));
  // The control socket's path may not exceed 107 bytes: workDir/run when short enough (the harness
  // gives signers a short folder), else a private folder under the system temp dir.
  const ownRundir = Buffer.byteLength(join(w, "run", "knot.sock")) <= 100;
  const rundir = ownRundir ? join(w, "run") : await mkdtemp(join(tmpdir(), "knot-sign-"));
  await mkdir(rundir, { recursive: true });
  const sock = join(rundir, "knot.sock");
  const tpl = join(HERE, "templates", "signer.conf.tpl");
  const vars = {
    rundir,
    logFile: f.log,
    dbDir: f.db,
    kaspDir: f.kasp,
    storageDir: f.storage,
    zoneFile: f.zoneFile,
    origin,
  };
  await writeFile(f.conf, renderTemplate(await readFile(tpl, "utf8"), vars, tpl));

  const left = () => Math.max(1, deadlineAt - Date.now());
  const cli = async (argv: string[]) => {
    const r = await runCli(argv, left(), f.commands);
    if (r.code !== 0) throw new Error(`${argv.join(" ")} failed (exit ${r.code}): ${r.out.trim().slice(0, 500)}`);
    return r.out;
  };
  let knotd: Proc | undefined;

  const sign = async (): Promise<Omit<SignResult, "seconds">> => {
    knotd = await startLogged("knotd", [...DIE_WITH_US, "unshare", "--net", "--", "knotd", "-c", f.conf], f.stdout);
    const d = knotd;
    // Fail fast when knotd dies or logs that this zone cannot be loaded or signed.
    const zoneError = new RegExp(`^\\S+ (error|critical): \\[${origin.replace(/\./g, "\\.")}\\] .*`, "m");
    const abort = () => {
      if (d.exit !== undefined) return `knotd ${d.exit}`;
      return zoneError.exec(readLog(f.log))?.[0];
    };
    let polls = 0;
    const signedNow = async () => {
      polls++;
      const r = await runCli(["knotc", "-s", sock, "zone-read", origin], left());
      return r.code === 0 ? signedZone(r.out, origin) : undefined;
    };
    await waitFor(`${origin} signed by knotd (DNSKEY RRset signed by a KSK)`, deadlineAt, signedNow, abort);
    await writeFile(f.commands, `[knotc zone-read ${origin} polled ${polls} times until signed]\n`, { flag: "a" });

    await cli(["knotc", "-s", sock, "-b", "zone-flush", origin, "+outdir", f.out]);
    const text = await readFile(join(f.out, f.zoneFile), "utf8");
    const signed = signedZone(text, origin);
    if (!signed) throw new Error(`the zone flushed by knotd (${join(f.out, f.zoneFile)}) is not signed`);
    await writeFile(f.result, text);
    await stop(d, STOP_GRACE_MS);

    // DS of the KSK from Knot's own key manager, checked against the KSK that signs the DNSKEY RRset.
    const dsOut = await cli(["keymgr", "-c", f.conf, origin, "ds"]);
    const theirs = dsOut
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter((t) => t[1] === "DS" && t[4] === "2")
      .map((t) => `${t[2]} ${t[3]} 2 ${t.slice(5).join("").toUpperCase()}`);
    const ours = signed.ksks.map((k) => `${keyTag(k)} ${k.rdata[2]} 2 ${dsDigest(k)}`);
    if (theirs.length === 0 || [...theirs].sort().join("|") !== [...ours].sort().join("|"))
      throw new Error(`KSK mismatch: keymgr DS [${theirs.join("; ")}], signed zone KSK DS [${ours.join("; ")}]`);
    return {
      signedZoneFile: f.result,
      ds: theirs.map((x) => `${origin}\t${DS_TTL}\tIN\tDS\t${x}`),
      dnskeys: signed.rrs.filter((r) => r.type === "DNSKEY" && r.owner === origin).map(rrLine),
      logFiles,
    };
  };

  let result: Omit<SignResult, "seconds"> | undefined;
  let failure: unknown;
  try {
    result = await sign();
  } catch (e) {
    failure = e ?? new Error("unknown failure");
  }
  let teardown: unknown; // always, success or not: knotd never outlives signZone
  try {
    if (knotd) await stop(knotd, STOP_GRACE_MS);
  } catch (e) {
    teardown = e;
  }
  if (!ownRundir) await rm(rundir, { recursive: true, force: true }).catch(() => undefined);
  const seconds = (performance.now() - started) / 1000;
  if (result && failure === undefined && teardown === undefined) return { ...result, seconds };
  const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));
  const lines = [
    `signZone(${origin}) with knotd failed after ${seconds.toFixed(2)} s: ${failure !== undefined ? msg(failure) : ""}`,
  ];
  if (teardown !== undefined) lines.push(`teardown: ${msg(teardown)}`);
  throw new Error([...lines, ...logFiles.map((l) => tail(l))].join("\n"), { cause: failure ?? teardown });
}

function readLog(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
