// DNSSEC faults as rendering choices: a case with `dnsFault` gets its mail domain as a child
// zone of remote.test, signed here with ldns and then broken on purpose, the way the daemon
// notes describe (past or future dates, an altered signature, a removed RRSIG, a wrong DS).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ldnsSignZone } from "./ldns-signer.ts";

export type DnsFault =
  | "none"
  | "bad-rrsig"
  | "expired-rrsig"
  | "not-yet-valid-rrsig"
  | "missing-rrsig"
  | "ds-wrong-digest"
  | "ds-unknown-algorithm"
  | "no-ds";

export interface FaultChild {
  zone: string; // e.g. "dnssec-bad-rrsig.remote.test"
  text: string; // unsigned zone text
  fault: DnsFault;
}

export interface SignedChild {
  zone: string;
  signedFile: string;
  /** The DS lines the parent publishes (faulty ones included); none for "no-ds". */
  ds: string[];
}

const ldnsDate = (d: Date) => d.toISOString().replace(/[-:T]/g, "").slice(0, 14);

/** Flip one base64 character in the signature of the RRSIG covering `type`. */
export function alterRrsig(signed: string, type: string): string {
  return signed
    .split("\n")
    .map((l) => {
      const f = l.split(/\s+/);
      if (f[3] !== "RRSIG" || f[4] !== type) return l;
      const sig = f[f.length - 1]!;
      const i = Math.floor(sig.length / 2);
      f[f.length - 1] = sig.slice(0, i) + (sig[i] === "A" ? "B" : "A") + sig.slice(i + 1);
      return f.join("\t");
    })
    .join("\n");
}

export function dropRrsig(signed: string, type: string): string {
  return signed
    .split("\n")
    .filter((l) => {
      const f = l.split(/\s+/);
      return !(f[3] === "RRSIG" && f[4] === type);
    })
    .join("\n");
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

export async function signFaultChild(dir: string, child: FaultChild): Promise<SignedChild> {
  mkdirSync(dir, { recursive: true });
  const file = `${child.zone}.zone`;
  writeFileSync(join(dir, file), child.text);
  // Validators allow clock skew (Unbound: 10% of the validity period, at most a day), so the
  // faulty dates sit well outside it: expired three days ago, or valid from three days on.
  const day = 86400_000;
  const dates =
    child.fault === "expired-rrsig"
      ? { inception: ldnsDate(new Date(Date.now() - 30 * day)), expiration: ldnsDate(new Date(Date.now() - 3 * day)) }
      : child.fault === "not-yet-valid-rrsig"
        ? { inception: ldnsDate(new Date(Date.now() + 3 * day)), expiration: ldnsDate(new Date(Date.now() + 30 * day)) }
        : {};
  const r = await ldnsSignZone(dir, child.zone, file, dates);
  let signed = readFileSync(r.signedFile, "utf8");
  if (child.fault === "bad-rrsig") signed = alterRrsig(signed, "TLSA");
  if (child.fault === "missing-rrsig") signed = dropRrsig(signed, "TLSA");
  writeFileSync(r.signedFile, signed);
  const ds =
    child.fault === "no-ds"
      ? []
      : child.fault === "ds-wrong-digest"
        ? r.ds.map((d) => alterDs(d, "digest"))
        : child.fault === "ds-unknown-algorithm"
          ? r.ds.map((d) => alterDs(d, "algorithm"))
          : r.ds;
  return { zone: child.zone, signedFile: r.signedFile, ds };
}
