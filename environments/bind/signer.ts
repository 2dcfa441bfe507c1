// BIND 9 named as a one-shot site signer: online signing with dnssec-policy, as an operator
// running named with `dnssec-policy` + `inline-signing yes` on a file-based primary would.
//
// Each call runs a throw-away named in a private, empty network namespace (so parallel calls never
// share a port, and nothing binds in the host's namespace):
//
//   setpriv --pdeathsig KILL -- unshare --net -- sh in-private-net.sh named -g -4 -n 1 -c <workDir>/named.conf
//
// (in-private-net.sh brings up the namespace's loopback and execs named, so the pid stays named's).
// named makes an ECDSA P-256 KSK and ZSK (policy "nccoe" in templates/signer.conf) and signs the
// zone. signZone polls `dig AXFR` from inside that namespace (nsenter) until the transfer is fully
// signed (see signed-zone.ts), writes it out as the signed zone file, derives the DS (SHA-256) of
// the KSK that signs the DNSKEY RRset with dnssec-dsfromkey, checks that key is the KSK in named's
// key directory, and stops named (SIGTERM, deadline, SIGKILL), on success and on failure alike.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  privateNetnsOf,
  startPrivateServer,
  stopPrivateServer,
  untilServer,
} from "../../harness/driver/private-server.ts";
import { run } from "../../harness/os/exec.ts";
import { renderTemplate } from "../../harness/world/template.ts";
import { absolute, fullySigned, keyTag, type SignedZone } from "./signed-zone.ts";

export interface SignRequest {
  zone: string; // "remote.test" or "remote.test."
  unsignedZoneFile: string; // absolute path of the unsigned zone text
  workDir: string; // absolute, a folder this call owns (config, keys, logs, result go here)
  deadlineMs?: number; // default 20000: then the call fails with named's log tail
  /** Resolves once unsignedZoneFile is written (absent: it is); the deadline counts from then. */
  zoneReady?: Promise<void>;
}
export interface SignResult {
  signedZoneFile: string;
  ds: string[]; // "remote.test. 3600 IN DS <tag> 13 2 <HEX>", the KSK's SHA-256 DS
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
  if (!/^([a-z0-9_-]+\.)*$/.test(origin)) throw new Error(`bind signZone: bad zone ${JSON.stringify(req.zone)}`);
  if (!isAbsolute(req.workDir) || !isAbsolute(req.unsignedZoneFile))
    throw new Error("bind signZone: workDir and unsignedZoneFile must be absolute paths");
  if (/["\\\n]/.test(req.workDir)) throw new Error(`bind signZone: workDir unusable in named.conf: ${req.workDir}`);

  const w = req.workDir;
  const base = origin === "." ? "root" : origin.slice(0, -1);
  const f = {
    conf: join(w, "named.conf"),
    zoneFile: join(w, `${base}.zone`), // named writes <this>.signed (raw) and journals beside it
    keyDir: join(w, "keys"),
    log: join(w, "named.log"), // named -g: all its logging, config errors included
    axfr: join(w, "axfr.txt"),
    keyset: join(w, "ksk.keyset"),
    result: join(w, `${base}.signed.zone`),
  };
  const logFiles = [f.log];
  mkdirSync(f.keyDir, { recursive: true });
  copyFileSync(req.unsignedZoneFile, f.zoneFile);
  const unsigned = readFileSync(f.zoneFile, "utf8");
  const tpl = join(HERE, "templates", "signer.conf");
  const vars = {
    dir: w,
    zone: origin,
    zoneFile: f.zoneFile,
    keyDir: f.keyDir,
    port: PORT,
    dnskeyTtl: soaTtl(unsigned),
  };
  writeFileSync(f.conf, renderTemplate(readFileSync(tpl, "utf8"), vars, tpl));

  const named = await startPrivateServer(
    join(HERE, "in-private-net.sh"),
    ["named", "-g", "-4", "-n", "1", "-c", f.conf],
    f.log,
  );
  let failure: unknown;
  let result: Omit<SignResult, "seconds"> | undefined;
  try {
    const netns = await untilServer("named in its private network namespace", deadlineAt, named, () =>
      privateNetnsOf(named),
    );
    const inNs = ["nsenter", `--net=${netns}`, "--"];
    const left = () => Math.max(1000, deadlineAt - Date.now());
    const signed = await untilServer(`a fully signed AXFR of ${origin}`, deadlineAt, named, async () => {
      const log = readLog(f.log);
      const broken = zoneLoadError(log);
      if (broken) throw new Error(`named could not load the zone: ${broken}`);
      // Until named logs "running" it answers nothing: no nsenter and dig for that (it takes
      // about a second to start here, and each try is two process starts).
      if (!isRunning(log)) return undefined;
      const dig = [...inNs, "dig", "-p", String(PORT), "@127.0.0.1", origin, "AXFR"];
      const r = await run([...dig, "+onesoa", "+noall", "+answer", "+time=1", "+tries=1"], { timeoutMs: left() });
      if (r.code !== 0) return undefined;
      writeFileSync(f.axfr, r.stdout);
      return fullySigned(origin, r.stdout);
    });
    const ds = await dsOfKsks(origin, signed, f.keyset, f.keyDir, left());
    writeFileSync(f.result, signed.text);
    const dnskeys = signed.rrs.filter((r) => r.type === "DNSKEY").map((r) => r.line);
    result = { signedZoneFile: f.result, ds, dnskeys, logFiles: [...logFiles, f.conf] };
  } catch (e) {
    failure = e ?? new Error("unknown failure");
  }
  const stopped = await stopPrivateServer(named, STOP_MS);
  const seconds = (performance.now() - t0) / 1000;
  if (result && failure === undefined && stopped) return { ...result, seconds };
  const why = failure instanceof Error ? failure.message : failure !== undefined ? String(failure) : "";
  const lines = [`bind signZone(${origin}) failed after ${seconds.toFixed(2)} s: ${why}`];
  if (!stopped) lines.push(`named (pid ${named.pid}) did not exit after SIGKILL`);
  throw new Error([...lines, ...logFiles.map((l) => tail(l))].join("\n"), { cause: failure });
}

/** DS (SHA-256) of the KSKs that sign the served DNSKEY RRset; each must be a KSK in named's key directory. */
async function dsOfKsks(origin: string, signed: SignedZone, keyset: string, keyDir: string, timeoutMs: number) {
  const kskTags = readdirSync(keyDir)
    .filter((n) => n.endsWith(".state") && /^KSK: yes$/m.test(readFileSync(join(keyDir, n), "utf8")))
    .map((n) => Number(/\+(\d+)\.state$/.exec(n)?.[1]));
  for (const k of signed.ksks)
    if (!kskTags.includes(keyTag(k)))
      throw new Error(
        `DNSKEY ${keyTag(k)} signs the DNSKEY RRset but is no KSK in ${keyDir} (KSKs: ${kskTags.join(", ")})`,
      );
  writeFileSync(keyset, signed.ksks.map((k) => k.line).join("\n") + "\n");
  const r = await run(["dnssec-dsfromkey", "-2", "-T", String(DS_TTL), "-f", keyset, origin], { timeoutMs });
  if (r.code !== 0) throw new Error(`dnssec-dsfromkey failed (exit ${r.code}): ${r.stderr.trim()}`);
  const ds = r.stdout.split("\n").filter((l) => /\sDS\s+\d+\s+13\s+2\s+[0-9A-F]+$/i.test(l.trim()));
  const tags = ds.map((l) => Number(l.trim().split(/\s+/)[4]));
  if (ds.length !== signed.ksks.length || signed.ksks.some((k) => !tags.includes(keyTag(k))))
    throw new Error(`dnssec-dsfromkey gave [${ds.join("; ")}] for KSK tags ${signed.ksks.map(keyTag).join(", ")}`);
  return ds.map((l) => l.trim().split(/\s+/).join(" "));
}

/** The zone's SOA TTL (else its $TTL, else 300): the DNSKEY TTL follows the zone's TTLs. */
function soaTtl(text: string): number {
  const soa = /^\S+\s+(\d+)\s+(?:IN\s+)?SOA\s/im.exec(text) ?? /^\$TTL\s+(\d+)/im.exec(text);
  return soa ? Number(soa[1]) : 300;
}

/** named's log so far ("" before it has written one). */
function readLog(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** named -g logs "running" once it has loaded its zones and listens. */
const isRunning = (log: string) => /^\S+ \S+ running$/m.test(log);

/** named keeps running when a zone does not load: its log says so ("not loaded due to errors"). */
const zoneLoadError = (log: string) => /^.*not loaded due to errors.*$/m.exec(log)?.[0];

function tail(file: string, lines = 20): string {
  try {
    const text = readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
    return `--- ${file}\n${text}`;
  } catch {
    return `--- ${file} (none)`;
  }
}
