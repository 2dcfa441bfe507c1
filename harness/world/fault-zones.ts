// DNSSEC faults as rendering choices: a case with `dnsFault` gets its mail domain as a child
// zone of remote.test (with, in some layouts, zones delegated below it: see case-zones.ts),
// signed here with ldns and then broken on purpose, the way the daemon notes describe
// (past or future dates, an altered signature, a removed RRSIG, a wrong DS, a file that does not load).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CaseZone, ZoneServed } from "./case-zones.ts";
import { ldnsSignZone, newLdnsKeys, type LdnsKeys } from "./ldns-signer.ts";
import { ldnsDsLine } from "./ldns-keys.ts";

/** A zone of a case's subtree as served: its file, and whether its authority serves it. */
export interface SignedCaseZone {
  zone: string;
  /** The file the authority is given: signed (and broken), unsigned as rendered, or unloadable. */
  file: string;
  served: ZoneServed;
}

/** A case's subtree: the DS its parent publishes, known before any zone of it is signed, and its
 *  zones once they are signed. */
export interface SignedCaseZones {
  /** The DS lines the parent publishes for the subtree's top zone (faulty ones included). */
  ds: string[];
  zones: Promise<SignedCaseZone[]>;
}

const ldnsDate = (d: Date) => d.toISOString().replace(/[-:T]/g, "").slice(0, 14);

/** Is this line the RRSIG over `type` (at `owner`, when given)? */
function isRrsigOver(line: string, type: string, owner?: string): boolean {
  const f = line.split(/\s+/);
  return f[3] === "RRSIG" && f[4] === type && (owner === undefined || f[0] === `${owner}.`);
}

/** Flip one base64 character in the signature of the RRSIG covering `type` (at `owner`). */
export function alterRrsig(signed: string, type: string, owner?: string): string {
  return signed
    .split("\n")
    .map((l) => {
      if (!isRrsigOver(l, type, owner)) return l;
      const f = l.split(/\s+/);
      const sig = f[f.length - 1]!;
      const i = Math.floor(sig.length / 2);
      f[f.length - 1] = sig.slice(0, i) + (sig[i] === "A" ? "B" : "A") + sig.slice(i + 1);
      return f.join("\t");
    })
    .join("\n");
}

export function dropRrsig(signed: string, type: string, owner?: string): string {
  return signed
    .split("\n")
    .filter((l) => !isRrsigOver(l, type, owner))
    .join("\n");
}

/** Replace the RRSIG over `type` at `owner` with the one from another signing (same keys,
 *  other dates). */
export function spliceRrsig(signed: string, from: string, type: string, owner: string): string {
  const other = from.split("\n").filter((l) => isRrsigOver(l, type, owner));
  if (other.length === 0) throw new Error(`no RRSIG over ${type} at ${owner} to take`);
  const lines = signed.split("\n");
  const at = lines.findIndex((l) => isRrsigOver(l, type, owner));
  if (at < 0) throw new Error(`no RRSIG over ${type} at ${owner} to replace`);
  return [...lines.slice(0, at), ...other, ...lines.slice(at).filter((l) => !isRrsigOver(l, type, owner))].join("\n");
}

/** A zone file no authority loads: its first TLSA record's data is not hex. */
export function unloadable(zoneText: string): string {
  const lines = zoneText.split("\n");
  const at = lines.findIndex((l) => l.split(/\s+/)[3] === "TLSA");
  if (at < 0) throw new Error("no TLSA record to break in the zone text");
  lines[at] = [...lines[at]!.split(/\s+/).slice(0, 4), "3 1 1 this-is-not-hex"].join("\t");
  return lines.join("\n");
}

/** A DS line with its digest altered, or its key algorithm replaced by an unassigned one. */
export function alterDs(ds: string, how: "digest" | "algorithm"): string {
  const f = ds.trim().split(/\s+/); // owner ttl class DS tag alg digesttype digest
  if (how === "algorithm") f[5] = "200";
  else {
    const d = f[7]!;
    f[7] = d.slice(0, -1) + (d.endsWith("0") ? "1" : "0");
  }
  return f.join("\t");
}

const day = 86400_000;
// Validators allow clock skew (Unbound: 10% of the validity period, at most a day), so the
// faulty dates sit well outside it: expired three days ago, or valid from three days on.
const EXPIRED = () => ({
  inception: ldnsDate(new Date(Date.now() - 30 * day)),
  expiration: ldnsDate(new Date(Date.now() - 3 * day)),
});
const NOT_YET_VALID = () => ({
  inception: ldnsDate(new Date(Date.now() + 3 * day)),
  expiration: ldnsDate(new Date(Date.now() + 30 * day)),
});

/** The DS a parent publishes for a signed child with this fault. */
function dsFor(ds: string[], fault?: CaseZone["fault"]): string[] {
  if (fault === "no-ds") return [];
  if (fault === "ds-wrong-digest") return ds.map((d) => alterDs(d, "digest"));
  if (fault === "ds-unknown-algorithm") return ds.map((d) => alterDs(d, "algorithm"));
  return ds;
}

/** Sign a case's subtree, each zone broken as its fault says. Every signed zone's keys are made
 *  first, so the DS of each child (its faulty DS included) is in its parent's text, and the top
 *  zone's DS is known, at once; all the zones are then signed at the same time.
 *  `mxHost`: the owner of the address RRset (A or AAAA) the a-* and aaaa-* faults break. */
export function signCaseZones(dir: string, z: CaseZone, mxHost: string): SignedCaseZones {
  const below = z.children.map((k) => signCaseZones(join(dir, k.zone), k, mxHost));
  mkdirSync(dir, { recursive: true });
  const file = `${z.zone}.zone`;
  const text = z.text + below.flatMap((b) => b.ds).join("\n") + "\n";
  writeFileSync(join(dir, file), text);
  const keys = z.signed ? newLdnsKeys(dir, z.zone) : undefined;
  const own = signCaseZone(dir, z, file, text, mxHost, keys);
  return {
    ds: keys ? dsFor([ldnsDsLine(keys.ksk.dnskey)], z.fault) : [],
    zones: Promise.all([own, ...below.map((b) => b.zones)]).then(([o, ...rest]) => [o, ...rest.flat()]),
  };
}

/** One zone of a subtree: signed with its keys (when it is signed) and broken as its fault says. */
async function signCaseZone(
  dir: string,
  z: CaseZone,
  file: string,
  text: string,
  mxHost: string,
  keys?: LdnsKeys,
): Promise<SignedCaseZone> {
  let out = join(dir, file);
  if (keys) {
    const dates = z.fault === "expired-rrsig" ? EXPIRED() : z.fault === "not-yet-valid-rrsig" ? NOT_YET_VALID() : {};
    const r = await ldnsSignZone(dir, z.zone, file, dates, keys);
    let signed = readFileSync(r.signedFile, "utf8");
    if (z.fault === "bad-rrsig") signed = alterRrsig(signed, "TLSA");
    if (z.fault === "smimea-bad-rrsig") signed = alterRrsig(signed, "SMIMEA");
    if (z.fault === "missing-rrsig") signed = dropRrsig(signed, "TLSA");
    // The a-* and aaaa-* faults break the MX host's address RRset: A or AAAA.
    const addressFault = /^(aaaa|a)-(.*)$/.exec(z.fault ?? "");
    const type = addressFault?.[1] === "aaaa" ? "AAAA" : "A";
    const what = addressFault?.[2];
    if (what === "bad-rrsig") signed = alterRrsig(signed, type, mxHost);
    if (what === "missing-rrsig") signed = dropRrsig(signed, type, mxHost);
    if (what === "expired-rrsig" || what === "not-yet-valid-rrsig") {
      // The same keys again, with the faulty dates: only the address RRset's signature is taken.
      writeFileSync(join(dir, `${file}.dated`), text);
      const again = await ldnsSignZone(
        dir,
        z.zone,
        `${file}.dated`,
        what === "expired-rrsig" ? EXPIRED() : NOT_YET_VALID(),
        keys,
      );
      signed = spliceRrsig(signed, readFileSync(again.signedFile, "utf8"), type, mxHost);
    }
    writeFileSync(r.signedFile, signed);
    out = r.signedFile;
  }
  if (z.served === "unloadable") {
    const broken = join(dir, `${file}.unloadable`);
    writeFileSync(broken, unloadable(readFileSync(out, "utf8")));
    out = broken;
  }
  return { zone: z.zone, file: out, served: z.served };
}
