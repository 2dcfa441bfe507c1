// ECDSA P-256 DNSSEC keys (algorithm 13) made with Node's crypto and written as the key files
// ldns-keygen writes (K<owner>+013+<tag>.key and .private), which ldns-signzone then reads.
// Making them here instead of with ldns-keygen saves a process per key: a world has ~80 keys,
// and on these machines each process start costs tens of milliseconds.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPairSync, type JsonWebKey } from "node:crypto";
import { dsDigest, keyTag, type DnskeyRR } from "./dnskey.ts";

export interface LdnsKey {
  /** The key files' base name in their folder, as ldns-signzone takes it. */
  base: string;
  dnskey: DnskeyRR;
  /** The .key file's line, as ldns-keygen writes it (with its key tag comment). */
  line: string;
}

/** The .private file of an ECDSA P-256 key: its private scalar d, base64 (32 octets). */
export function ldnsPrivateFile(d: Buffer): string {
  return `Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: ${d.toString("base64")}\n`;
}

/** The .key file's line for a DNSKEY, as ldns-keygen writes it. */
export function ldnsKeyLine(rr: DnskeyRR): string {
  const kind = Number(rr.rdata[0]) & 1 ? "ksk" : "zsk";
  return `${rr.owner}\tIN\tDNSKEY\t${rr.rdata.join(" ")} ;{id = ${keyTag(rr)} (${kind}), size = 256b}`;
}

/** A new ECDSA P-256 key pair, as a JWK (x, y and d). */
export const freshEcKey = (): JsonWebKey =>
  generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ format: "jwk" });

/** A key's tag as a ZSK would have it (flags 256), whatever its own flags. */
export const zskTag = (rr: DnskeyRR): number => keyTag({ ...rr, rdata: ["256", ...rr.rdata.slice(1)] });

/** A fresh key in `dir` for `owner` ("." or "example.test."): a KSK (flags 257) or a ZSK (256).
 *  `besides`: the zone's other key. Given a ZSK whose tag is its KSK's minus one (the two keys
 *  have one tag as ZSKs), ldns-signzone leaves the KSK's DNSKEY out and labels every signature
 *  with the ZSK's tag: the zone is bogus (the test shows it). One of 8 985 zones signed in a
 *  day's runs was, and its cell passed for the wrong reason. Such a ZSK is made again. */
export function newLdnsKey(
  dir: string,
  owner: string,
  ksk: boolean,
  besides?: LdnsKey,
  generate: () => JsonWebKey = freshEcKey,
): LdnsKey {
  for (;;) {
    const jwk = generate();
    const pub = Buffer.concat([Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
    const dnskey: DnskeyRR = { owner, rdata: [ksk ? "257" : "256", "3", "13", pub.toString("base64")] };
    const base = `K${owner}+013+${String(keyTag(dnskey)).padStart(5, "0")}`;
    // Two keys of one owner with the same tag would share files: make another (1 in 65536).
    if (existsSync(join(dir, `${base}.private`))) continue;
    if (besides && zskTag(besides.dnskey) === zskTag(dnskey)) continue;
    const line = ldnsKeyLine(dnskey);
    writeFileSync(join(dir, `${base}.key`), `${line}\n`);
    writeFileSync(join(dir, `${base}.private`), ldnsPrivateFile(Buffer.from(jwk.d!, "base64url")), { mode: 0o600 });
    return { base, dnskey, line };
  }
}

/** The SHA-256 DS record of a KSK, as `ldns-key2ds -n -2` prints it. */
export function ldnsDsLine(rr: DnskeyRR, ttl = 3600): string {
  return `${rr.owner}\t${ttl}\tIN\tDS\t${keyTag(rr)} ${rr.rdata[2]} 2 ${dsDigest(rr).toLowerCase()}`;
}
