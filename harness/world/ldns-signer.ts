// The private root operator: signs "." and "test." offline with ldns (keygen, signzone, key2ds).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runOk } from "../os/exec.ts";

export interface LdnsSigned {
  signedFile: string;
  ds: string[]; // SHA-256 DS of the KSK
  ksk: string; // DNSKEY RR of the KSK (the trust anchor, for the root)
  keys: LdnsKeys; // the key files' base names in dir, to sign again with the same keys
}

export interface LdnsKeys {
  ksk: string;
  zsk: string;
}

async function keygen(dir: string, zone: string, ksk: boolean): Promise<string> {
  const argv = ["ldns-keygen", "-a", "ECDSAP256SHA256", ...(ksk ? ["-k"] : []), zone];
  const { stdout } = await runOk(argv, { cwd: dir });
  return stdout.trim().split("\n").pop()!;
}

/** Sign `zone` (text already in dir/<file>) with a fresh ECDSA P-256 KSK and ZSK, or with the
 *  keys of an earlier call in the same folder. */
export async function ldnsSignZone(
  dir: string,
  zone: string,
  file: string,
  dates: { inception?: string; expiration?: string } = {},
  keys?: LdnsKeys,
): Promise<LdnsSigned> {
  const origin = zone === "." ? "." : `${zone}.`;
  const [kskBase, zskBase] = keys
    ? [keys.ksk, keys.zsk]
    : await Promise.all([keygen(dir, origin, true), keygen(dir, origin, false)]);
  const signedFile = join(dir, `${file}.signed`);
  const dateArgs = [
    ...(dates.inception ? ["-i", dates.inception] : []),
    ...(dates.expiration ? ["-e", dates.expiration] : []),
  ];
  await runOk(["ldns-signzone", ...dateArgs, "-o", origin, "-f", signedFile, file, zskBase, kskBase], { cwd: dir });
  const ds = (await runOk(["ldns-key2ds", "-n", "-2", `${kskBase}.key`], { cwd: dir })).stdout
    .trim()
    .split("\n")
    .filter((l) => /\sDS\s/.test(l));
  const ksk = readFileSync(join(dir, `${kskBase}.key`), "utf8").trim();
  return { signedFile, ds, ksk, keys: { ksk: kskBase, zsk: zskBase } };
}

export function writeText(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}
