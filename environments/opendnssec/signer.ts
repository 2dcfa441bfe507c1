// One-shot DNSSEC signer built on the real OpenDNSSEC 2 daemons.
//
// Each call gets its own SoftHSM2 token, KASP database and daemons inside
//  - a private mount namespace whose /etc/opendnssec, /run/opendnssec and /var/lib/opendnssec are
//    bind mounts of folders in workDir (ods-enforcer-db-setup only reads /etc/opendnssec/conf.xml,
//    ods-signerd's socket is fixed under /run/opendnssec and the enforcer runs `ods-signer update`
//    on that default socket), and
//  - a private, empty network namespace (ods-signerd always binds port 15354 for XFR/NOTIFY,
//    which would clash between instances),
// so several calls can run at once without touching the host's folders or ports. The daemons
// start before the zone is needed: a caller can write the unsigned zone meanwhile (zoneReady).
//
//   unshare --mount --net --propagation private -- sh in-private-mounts.sh <binds> -- sleep infinity
//   nsenter --mount --net --target <that pid> -- ods-enforcer-db-setup -f | ods-signerd -d | ods-enforcerd -d
//   ods-enforcer -s <workDir>/run/enforcer.sock policy import | zonelist import | key list | key export --ds
//
// The enforcer makes an ECDSA P-256 KSK+ZSK and a signconf; the signer writes the signed zone
// (tmp file + rename: whole once it exists). As soon as it holds a DNSKEY RRset signed by a KSK,
// every process of the namespace is SIGKILLed: the instance is thrown away, a graceful stop costs
// ~1 s per daemon and ods-signerd may crash or hang while stopping. The mounts go with the namespace.
import { readFileSync } from "node:fs";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  checkSigned,
  commOf,
  dsOf,
  fileExists,
  killAll,
  mountNs,
  normDs,
  rrLine,
  render,
  runCli,
  soaTimes,
  startLogged,
  tail,
  waitFor,
  xmlEscape,
  type Proc,
} from "./helpers.ts";

export interface SignRequest {
  zone: string; // e.g. "remote.test" (no trailing dot ok)
  unsignedZoneFile: string; // absolute path, plain zone text with $ORIGIN/$TTL, SOA, NS, etc.
  workDir: string; // absolute, empty folder the signer owns (config, token, db, logs go here)
  deadlineMs?: number; // default 20000; overall timeout -> throw with the log tail
  /** Resolves once unsignedZoneFile is written: until then the daemons start and wait (absent: it is). */
  zoneReady?: Promise<void>;
}
export interface SignResult {
  signedZoneFile: string; // absolute path inside workDir
  ds: string[]; // DS RRs, SHA-256 (digest type 2), e.g. "remote.test. 3600 IN DS 12345 13 2 ABCD..."
  dnskeys: string[]; // DNSKEY RR lines of the zone
  logFiles: string[]; // enforcer/signer logs (evidence)
  seconds: number;
}

const HERE = fileURLToPath(new URL(".", import.meta.url));
const HSM_MODULES = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"];
const PIN = "1234";
const TOKEN_LABEL = "OpenDNSSEC";
const POLICY = "nccoe-oneshot";
const DS_TTL = 3600;
const TEARDOWN_MS = 5000;
/** If nothing is signed this long after the zone import, ask the signer once more (update --all). */
const NUDGE_AFTER_MS = 3000;
/** Long-lived processes get SIGKILL should this node process die first (setpriv, unshare and nsenter exec, never fork). */
const DIE_WITH_US = ["setpriv", "--pdeathsig", "KILL", "--"];

export async function signZone(req: SignRequest): Promise<SignResult> {
  const started = performance.now();
  let deadlineAt = Date.now() + (req.deadlineMs ?? 20000);
  const zone = req.zone.replace(/\.$/, "").toLowerCase();
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(zone)) throw new Error(`signZone: bad zone ${JSON.stringify(req.zone)}`);
  if (!isAbsolute(req.workDir) || !isAbsolute(req.unsignedZoneFile))
    throw new Error("signZone: workDir and unsignedZoneFile must be absolute paths");
  const hsmModule = HSM_MODULES.find((m) => fileExists(m));
  if (!hsmModule) throw new Error(`signZone: no SoftHSM2 module (${HSM_MODULES.join(", ")}); install softhsm2`);

  const w = req.workDir;
  const etc = join(w, "etc"); // -> /etc/opendnssec
  const run = join(w, "run"); // -> /run/opendnssec
  const lib = join(w, "var"); // -> /var/lib/opendnssec
  const logs = join(w, "logs");
  const f = {
    softhsmConf: join(w, "softhsm2.conf"),
    tokens: join(w, "tokens"),
    unsigned: join(lib, "unsigned", zone),
    signedOut: join(lib, "signed", zone),
    result: join(w, `${zone}.signed.zone`),
    enforcerSock: join(run, "enforcer.sock"),
    signerSock: join(run, "engine.sock"),
    enforcerLog: join(logs, "ods-enforcerd.log"),
    signerLog: join(logs, "ods-signerd.log"),
    cliLog: join(logs, "commands.log"),
    nsLog: join(logs, "namespace.log"),
  };
  const logFiles = [f.enforcerLog, f.signerLog, f.cliLog, f.nsLog];
  // workDir should be empty; if it is reused, drop what an earlier run left (an old signed file
  // would pass for the new one, an old token or signer backup would bring back old keys).
  for (const old of [etc, run, lib, logs, f.tokens, f.softhsmConf, f.result])
    await rm(old, { recursive: true, force: true });
  const subdirs = ["enforcer", "signer", "signconf", "unsigned", "signed", "tmp"].map((s) => join(lib, s));
  for (const d of [etc, run, logs, f.tokens, ...subdirs]) await mkdir(d, { recursive: true });

  // Configuration from the templates: the token's and the daemons' first; the policy's and the
  // zone list's once the zone is there (the SOA TTL and minimum follow the unsigned zone, and
  // ods-signerd always replaces them with the policy's values).
  const fill = async (tpl: string, out: string, vars: Record<string, string | number>, xml = true) => {
    const values = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, xml ? xmlEscape(String(v)) : v]));
    await writeFile(out, render(await readFile(join(HERE, "templates", tpl), "utf8"), values));
  };
  await fill("softhsm2.conf.tpl", f.softhsmConf, { tokenDir: `${f.tokens}/` }, false);
  await fill("conf.xml.tpl", join(etc, "conf.xml"), { hsmModule, tokenLabel: TOKEN_LABEL, pin: PIN });
  const zoneConfig = async () => {
    await copyFile(req.unsignedZoneFile, f.unsigned);
    const soa = soaTimes(await readFile(f.unsigned, "utf8"));
    await fill("kasp.xml.tpl", join(etc, "kasp.xml"), {
      policy: POLICY,
      soaTtl: soa.ttl,
      soaMinimum: soa.minimum,
      dsTtl: DS_TTL,
    });
    await fill("zonelist.xml.tpl", join(etc, "zonelist.xml"), {
      zone,
      policy: POLICY,
      unsignedFile: f.unsigned,
      signedFile: f.signedOut,
    });
  };

  const env: NodeJS.ProcessEnv = { ...process.env, SOFTHSM2_CONF: f.softhsmConf };
  const left = () => Math.max(1, deadlineAt - Date.now());
  const cli = async (argv: string[]) => {
    const r = await runCli(argv, left(), env, f.cliLog);
    if (r.code !== 0) throw new Error(`${argv.join(" ")} failed (${r.status}): ${r.out.trim().slice(0, 500)}`);
    return r.out;
  };
  const procs: Proc[] = [];
  const died = () =>
    procs.some((p) => p.exit !== undefined)
      ? procs.map((p) => `${p.name} ${p.exit ?? "running"}`).join(", ")
      : undefined;
  let ns: string | undefined;

  const sign = async (): Promise<Omit<SignResult, "seconds">> => {
    // The token is made while the namespaces come up (both must be done before ods-signerd starts).
    const token = cli([
      "softhsm2-util",
      "--init-token",
      "--free",
      "--label",
      TOKEN_LABEL,
      "--pin",
      PIN,
      "--so-pin",
      PIN,
    ]);
    token.catch(() => undefined); // settled below, with the namespaces

    // Namespace anchor: holds the namespaces (and so the mounts) until teardown.
    const binds = [etc, "/etc/opendnssec", run, "/run/opendnssec", lib, "/var/lib/opendnssec"];
    const helper = join(HERE, "in-private-mounts.sh");
    const unshare = ["unshare", "--mount", "--net", "--propagation", "private", "--", "/bin/sh", helper, ...binds];
    const anchor = await startLogged(
      "namespace",
      [...DIE_WITH_US, ...unshare, "--", "sleep", "infinity"],
      f.nsLog,
      env,
    );
    procs.push(anchor);
    const anchorPid = anchor.pid;
    const hostNs = mountNs(process.pid);
    const mountsDone = () => {
      const n = mountNs(anchorPid);
      return n && n !== hostNs && commOf(anchorPid) === "sleep" ? n : undefined;
    };
    const [tokenDone, nsDone] = await Promise.allSettled([
      token,
      waitFor("the private namespaces", deadlineAt, mountsDone, died, 5),
    ]);
    if (nsDone.status === "fulfilled") ns = nsDone.value;
    for (const r of [tokenDone, nsDone]) if (r.status === "rejected") throw r.reason;
    const inNs = ["nsenter", "--mount", "--net", `--target=${anchorPid}`, "--"];
    const daemon = (name: string, log: string) =>
      startLogged(name, [...DIE_WITH_US, ...inNs, name, "-d", "-v", "-v", "-v"], log, env);
    const socket = (path: string) => () => fileExists(path) || undefined;

    procs.push(await daemon("ods-signerd", f.signerLog)); // needs no database: starts during db setup
    await cli([...inNs, "ods-enforcer-db-setup", "-f"]);
    procs.push(await daemon("ods-enforcerd", f.enforcerLog));
    await waitFor("the ods-signerd socket", deadlineAt, socket(f.signerSock), died, 10);
    await waitFor("the ods-enforcerd socket", deadlineAt, socket(f.enforcerSock), died, 10);

    // The daemons are up: from here on the zone is needed (and the deadline counts from it).
    if (req.zoneReady) {
      await req.zoneReady;
      deadlineAt = Date.now() + (req.deadlineMs ?? 20000);
    }
    await zoneConfig();

    const enforcer = ["ods-enforcer", "-s", f.enforcerSock];
    const policyImport = async () => {
      const r = await runCli([...enforcer, "policy", "import"], left(), env, f.cliLog);
      if (r.code === 201) return undefined; // could not connect yet (socket made, not listening): retry
      if (r.code !== 0) throw new Error(`ods-enforcer policy import failed (${r.status}): ${r.out.trim()}`);
      return true;
    };
    await waitFor("ods-enforcer policy import", deadlineAt, policyImport, died, 10);
    await cli([...enforcer, "zonelist", "import"]);
    // ManualKeyGeneration (see conf.xml.tpl): one task makes the KSK and the ZSK, then re-runs the
    // enforcer (an enforce run before that only logs "No keys available ... retry in 60 seconds").
    // The enforcer then writes signconf + zones.xml and runs `ods-signer update <zone>`, which
    // prints "Zone ... not found" while it makes the signer load the new zone list and sign.
    await cli([...enforcer, "key", "generate", "--policy", POLICY, "--duration", "P1D"]);

    const nudgeAt = Date.now() + NUDGE_AFTER_MS;
    let nudged = false;
    const signedYet = async () => {
      const s = fileExists(f.signedOut) ? checkSigned(await readFile(f.signedOut, "utf8").catch(() => "")) : undefined;
      if (!s && !nudged && Date.now() >= nudgeAt) {
        nudged = true;
        await runCli(["ods-signer", "-s", f.signerSock, "update", "--all"], left(), env, f.cliLog);
      }
      return s;
    };
    // Fail fast when ods-signerd gives up on the zone (it would only retry after 60 s).
    const signerGaveUp = () => {
      const line = readFileSync(f.signerLog, "utf8").match(/^.*(failed to sign zone|error parsing RR).*$/m)?.[0];
      return line ? `ods-signerd: ${line.replace(/^\[[^\]]*\]\s*ods-signerd\[\d+\]\s*/, "")}` : died();
    };
    const signed = await waitFor(
      "the signed zone (DNSKEY RRset signed by a KSK)",
      deadlineAt,
      signedYet,
      signerGaveUp,
      20,
    );

    // DS of the KSK(s) that sign the DNSKEY RRset; must equal the DS ods-enforcer exports for its KSK.
    const ds = signed.ksks.map((k) => dsOf(k, DS_TTL));
    const keyList = await cli([...enforcer, "key", "list", "--verbose", "--zone", zone]);
    const kskIds = keyList
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter((t) => t[0] === zone && t[1] === "KSK")
      .map((t) => t.find((x) => /^[0-9a-f]{16,}$/i.test(x)) ?? "?");
    const exported: string[] = [];
    for (const id of kskIds) {
      const out = await cli([...enforcer, "key", "export", "--zone", zone, "--cka_id", id, "--ds"]);
      exported.push(...out.split("\n").filter((l) => /\sDS\s+\d+\s+\d+\s+2\s/.test(l)));
    }
    const [ours, theirs] = [ds.map(normDs).sort(), exported.map(normDs).sort()];
    if (ours.join("|") !== theirs.join("|"))
      throw new Error(`KSK mismatch: signed zone has DS [${ours.join("; ")}], ods-enforcer [${theirs.join("; ")}]`);

    await writeFile(f.result, signed.text);
    const dnskeys = signed.rrs.filter((r) => r.type === "DNSKEY").map(rrLine);
    return { signedZoneFile: f.result, ds, dnskeys, logFiles };
  };

  let result: Omit<SignResult, "seconds"> | undefined;
  let failure: unknown;
  try {
    result = await sign();
  } catch (e) {
    failure = e ?? new Error("unknown failure");
  }
  let teardown: unknown; // always, success or not: no process of this instance outlives signZone
  try {
    await killAll(procs, ns, TEARDOWN_MS);
  } catch (e) {
    teardown = e;
  }
  const seconds = (performance.now() - started) / 1000;
  if (result && failure === undefined && teardown === undefined) return { ...result, seconds };
  const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));
  const lines = [
    `signZone(${zone}) failed after ${seconds.toFixed(2)} s: ${failure !== undefined ? msg(failure) : ""}`,
  ];
  if (teardown !== undefined) lines.push(`teardown: ${msg(teardown)}`);
  throw new Error([...lines, ...logFiles.map((l) => tail(l))].join("\n"), { cause: failure ?? teardown });
}
