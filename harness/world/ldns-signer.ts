// The private root operator: signs "." and "test." offline with ldns-signzone. The keys are made
// in this process (ldns-keys.ts) and the DS computed here, as ldns-key2ds would print it: only
// the signing itself is a process, and only a few of those run at once.
import { join } from "node:path";
import { runOk } from "../os/exec.ts";
import { Limiter } from "../run/limiter.ts";
import { ldnsDsLine, newLdnsKey, type LdnsKey } from "./ldns-keys.ts";

export interface LdnsSigned {
  signedFile: string;
  ds: string[]; // SHA-256 DS of the KSK
  ksk: string; // DNSKEY RR of the KSK (the trust anchor, for the root)
  keys: LdnsKeys; // the key files in dir, to sign again with the same keys
}

export interface LdnsKeys {
  ksk: LdnsKey;
  zsk: LdnsKey;
}

/** A world signs dozens of small zones at once; on two cores, more ldns-signzone processes at a
 *  time than this only queue for the processors. */
const signing = new Limiter(4);

/** A fresh ECDSA P-256 KSK and ZSK for `zone`, their files in `dir`. */
export function newLdnsKeys(dir: string, zone: string): LdnsKeys {
  const origin = zone === "." ? "." : `${zone}.`;
  const ksk = newLdnsKey(dir, origin, true);
  return { ksk, zsk: newLdnsKey(dir, origin, false, ksk) };
}

/** Sign `zone` (text already in dir/<file>) with a fresh ECDSA P-256 KSK and ZSK, or with the
 *  keys made before (newLdnsKeys) in the same folder. */
export async function ldnsSignZone(
  dir: string,
  zone: string,
  file: string,
  dates: { inception?: string; expiration?: string } = {},
  keys?: LdnsKeys,
): Promise<LdnsSigned> {
  const origin = zone === "." ? "." : `${zone}.`;
  const { ksk, zsk } = keys ?? newLdnsKeys(dir, zone);
  const signedFile = join(dir, `${file}.signed`);
  const dateArgs = [
    ...(dates.inception ? ["-i", dates.inception] : []),
    ...(dates.expiration ? ["-e", dates.expiration] : []),
  ];
  const argv = ["ldns-signzone", ...dateArgs, "-o", origin, "-f", signedFile, file, zsk.base, ksk.base];
  await signing.run(() => runOk(argv, { cwd: dir }));
  return { signedFile, ds: [ldnsDsLine(ksk.dnskey)], ksk: ksk.line, keys: { ksk, zsk } };
}
