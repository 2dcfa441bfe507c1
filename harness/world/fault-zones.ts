// DNSSEC faults as rendering choices: a case with `dnsFault` gets its mail domain as a child
// zone of remote.test (with, in some layouts, zones delegated below it: see case-zones.ts),
// signed here with ldns bottom-up and then broken on purpose, the way the daemon notes describe
// (past or future dates, an altered signature, a removed RRSIG, a wrong DS, a file that does not load).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CaseZone, ZoneServed } from "./case-zones.ts";
import { ldnsSignZone } from "./ldns-signer.ts";

/** A zone of a case's subtree as served: its file, and whether its authority serves it. */
export interface SignedCaseZone {
  zone: string;
  /** The file the authority is given: signed (and broken), unsigned as rendered, or unloadable. */
  file: string;
  served: ZoneServed;
}

export interface SignedCaseZones {
  zones: SignedCaseZone[];
  /** The DS lines the parent publishes for the subtree's top zone (faulty ones included). */
  ds: string[];
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

/** Sign a case's subtree bottom-up: the children first, their DS into the parent, then the parent,
 *  each broken as its fault says. `mxHost`: the owner of the A RRset the a-* faults break. */
export async function signCaseZones(dir: string, z: CaseZone, mxHost: string): Promise<SignedCaseZones> {
  const below = await Promise.all(z.children.map((k) => signCaseZones(join(dir, k.zone), k, mxHost)));
  mkdirSync(dir, { recursive: true });
  const file = `${z.zone}.zone`;
  const text = z.text + below.flatMap((b) => b.ds).join("\n") + "\n";
  writeFileSync(join(dir, file), text);
  let out = join(dir, file);
  let ds: string[] = [];
  if (z.signed) {
    const dates = z.fault === "expired-rrsig" ? EXPIRED() : z.fault === "not-yet-valid-rrsig" ? NOT_YET_VALID() : {};
    const r = await ldnsSignZone(dir, z.zone, file, dates);
    let signed = readFileSync(r.signedFile, "utf8");
    if (z.fault === "bad-rrsig") signed = alterRrsig(signed, "TLSA");
    if (z.fault === "smimea-bad-rrsig") signed = alterRrsig(signed, "SMIMEA");
    if (z.fault === "missing-rrsig") signed = dropRrsig(signed, "TLSA");
    if (z.fault === "a-bad-rrsig") signed = alterRrsig(signed, "A", mxHost);
    if (z.fault === "a-missing-rrsig") signed = dropRrsig(signed, "A", mxHost);
    if (z.fault === "a-expired-rrsig" || z.fault === "a-not-yet-valid-rrsig") {
      // The same keys again, with the faulty dates: only the A RRset's signature is taken.
      writeFileSync(join(dir, `${file}.dated`), text);
      const again = await ldnsSignZone(
        dir,
        z.zone,
        `${file}.dated`,
        z.fault === "a-expired-rrsig" ? EXPIRED() : NOT_YET_VALID(),
        r.keys,
      );
      signed = spliceRrsig(signed, readFileSync(again.signedFile, "utf8"), "A", mxHost);
    }
    writeFileSync(r.signedFile, signed);
    out = r.signedFile;
    ds = dsFor(r.ds, z.fault);
  }
  if (z.served === "unloadable") {
    const broken = join(dir, `${file}.unloadable`);
    writeFileSync(broken, unloadable(readFileSync(out, "utf8")));
    out = broken;
  }
  return { zones: [{ zone: z.zone, file: out, served: z.served }, ...below.flatMap((b) => b.zones)], ds };
}
