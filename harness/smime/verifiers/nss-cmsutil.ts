// NSS, the library Thunderbird verifies S/MIME with: `cmsutil -D` on the detached signature and
// the signed body part, against a fresh NSS database (certutil, package libnss3-tools) that holds
// only the trusted certificate. Each fresh database is a copy of one empty database per process.
//
// NSS trust flags express every SMIMEA usage: a CA certificate (a root, or an intermediate as a
// DANE-TA anchor) gets ",C," (a trusted CA for S/MIME), an end-entity certificate gets ",P,"
// (a trusted peer: accepted as it is, without a chain, as DANE-EE wants).
//
// cmsutil reports one status per signer (with -h: "signer0.status=..."). NSS checks the signer's
// certificate before the signature, so an untrusted signer hides a bad digest. When the status is
// a certificate problem, a second database that trusts the message's own certificates as peers
// tells which it is: GoodSignature there means "untrusted", DigestMismatch or BadSignature
// "invalid".
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  detachedFiles,
  isCaCertificate,
  type Step,
  Transcript,
  workFiles,
  type Verifier,
  type VerifierResult,
  type VerifyInput,
} from "./verifier.ts";
import { signedDataCertificates } from "../cms-structures.ts";

const GOOD = "GoodSignature";
const BROKEN = new Set(["DigestMismatch", "BadSignature", "InvalidSignature"]);

export async function verify(input: VerifyInput): Promise<VerifierResult> {
  const t = new Transcript("nss-cmsutil");
  const { dir, trusted } = workFiles(input, "nss-cmsutil");
  const files = detachedFiles(input, dir);
  if ("error" in files) return t.result("error", `cannot hand the message to cmsutil: ${files.error}`);

  const flags = isCaCertificate(input.trustedCertPem) ? ",C," : ",P,";
  const db = await newDatabase(t, join(dir, "nssdb"), [{ nickname: "smimea-bound", pem: trusted, flags }]);
  if (typeof db !== "string") return db;
  const check = await cmsutil(t, db, files);
  const status = signerStatus(check.stdout + check.stderr);
  if (!status) return t.result("error", `cmsutil gave no signer status (exit ${check.exitCode})`, check);
  if (status === GOOD)
    return t.result("valid", `GoodSignature with the trusted certificate as ${flags === ",C," ? "CA" : "peer"}`, check);
  if (BROKEN.has(status)) return t.result("invalid", `signer status ${status}`, check);

  // A certificate problem (SigningCertNotTrusted, SigningCertNotFound, ...): is the signature good?
  const peers = signedDataCertificates(files.signatureDer).map((pem, i) => {
    const path = join(dir, `message-cert-${i}.pem`);
    writeFileSync(path, pem);
    return { nickname: `message-cert-${i}`, pem: path, flags: ",P," };
  });
  const peerDb = await newDatabase(t, join(dir, "nssdb-message-certs-as-peers"), peers);
  if (typeof peerDb !== "string") return peerDb;
  const peerCheck = await cmsutil(t, peerDb, files);
  const cryptoOnly = signerStatus(peerCheck.stdout + peerCheck.stderr);
  if (cryptoOnly === GOOD) return t.result("untrusted", `signer status ${status}; the signature itself is good`, check);
  if (cryptoOnly && BROKEN.has(cryptoOnly))
    return t.result("invalid", `signer status ${status}, and ${cryptoOnly} with the signer trusted`, check);
  return t.result("error", `signer status ${status}; with the signer trusted: ${cryptoOnly ?? "no status"}`, check);
}

interface DbCert {
  nickname: string;
  pem: string; // a file
  flags: string;
}

/** An empty NSS database (sql:, empty password), made by `certutil -N` in the first transcript
 *  that needs one, once per process. Each verification copies it: a certutil -N per database was
 *  about a process (~40 ms of a core) per S/MIME cell. */
let emptyDatabase: Promise<string | Step> | undefined;

function emptyDatabaseFor(t: Transcript): Promise<string | Step> {
  emptyDatabase ??= (async () => {
    const path = mkdtempSync(join(tmpdir(), "nccoe-nssdb-"));
    process.once("exit", () => rmSync(path, { recursive: true, force: true }));
    const created = await t.run(["certutil", "-N", "-d", `sql:${path}`, "--empty-password"]);
    return created.exitCode === 0 ? path : created;
  })();
  return emptyDatabase;
}

/** A new NSS database (a copy of the empty one) holding these certificates with these trust flags. */
async function newDatabase(t: Transcript, path: string, certs: DbCert[]): Promise<string | VerifierResult> {
  const empty = await emptyDatabaseFor(t);
  if (typeof empty !== "string") {
    emptyDatabase = undefined; // the next verification tries again, in its own transcript
    return t.result("error", `certutil -N failed: ${empty.stderr.trim()}`, empty);
  }
  cpSync(empty, path, { recursive: true });
  const db = `sql:${path}`;
  for (const c of certs) {
    const added = await t.run(["certutil", "-A", "-d", db, "-n", c.nickname, "-t", c.flags, "-a", "-i", c.pem]);
    if (added.exitCode !== 0) return t.result("error", `certutil -A failed: ${added.stderr.trim()}`, added);
  }
  return db;
}

/** cmsutil -D: decode and verify, certificate usage 4 (certUsageEmailSigner), no content output,
 *  the CMS levels as header lines (-h 2) so that the signer status is printed even when good. */
function cmsutil(t: Transcript, db: string, files: { content: string; signature: string }) {
  return t.run(["cmsutil", "-D", "-d", db, "-u", "4", "-i", files.signature, "-c", files.content, "-n", "-h", "2"]);
}

/** "signer0.status=GoodSignature" (with -h), or "signer 0 status = DigestMismatch" (on failure). */
function signerStatus(output: string): string | undefined {
  const m = /signer0\.status=(\w+)/.exec(output) ?? /signer 0 status = (\w+)/.exec(output);
  return m?.[1];
}

export const nssCmsutil: Verifier = { name: "nss-cmsutil", packages: ["libnss3-tools"], verify };
