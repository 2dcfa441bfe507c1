// OpenSSL's CMS engine: `openssl cms -verify` on the message as delivered (OpenSSL parses the
// S/MIME itself and canonicalizes the signed part's line ends).
//
// Up to two runs, so that a broken signature is told apart from an untrusted signer:
//   1. -CAfile <trusted> -partial_chain -purpose smimesign: the trusted certificate is the only
//      trust anchor. -partial_chain lets it be any certificate of the chain, so it expresses every
//      SMIMEA usage: the signer's own certificate (DANE-EE, even when a CA issued it), an
//      intermediate or a root (DANE-TA). Exit 0 means the signature verifies and the chain reaches
//      the anchor: "valid", and no second run (most messages; each openssl start costs ~50 ms of a
//      core here).
//   2. Otherwise -noverify: digest and signature only, no certificate checks. Exit 4 means the
//      signature or digest failed: "invalid". Exit 0 means the signature is good, so run 1's exit 4
//      was the chain not reaching the anchor: "untrusted".
// Exit 2 is a message OpenSSL could not read: "error".
import { Transcript, workFiles, type Verifier, type VerifierResult, type VerifyInput } from "./verifier.ts";

export async function verify(input: VerifyInput): Promise<VerifierResult> {
  const t = new Transcript("openssl-cms");
  const { dir, message, trusted } = workFiles(input, "openssl-cms");
  const base = ["openssl", "cms", "-verify", "-in", message, "-inform", "SMIME"];

  const trust = await t.run([
    ...base,
    "-CAfile",
    trusted,
    "-partial_chain",
    "-purpose",
    "smimesign",
    "-out",
    `${dir}/content.verified`,
  ]);
  if (trust.exitCode === 0)
    return t.result("valid", "signature verifies and the signer chains to the trusted certificate");

  const crypto = await t.run([...base, "-noverify", "-out", `${dir}/content.noverify`]);
  if (crypto.exitCode === 4) return t.result("invalid", `signature check failed: ${lastError(crypto.stderr)}`, crypto);
  if (crypto.exitCode !== 0)
    return t.result("error", `openssl could not check the message: ${lastError(crypto.stderr)}`);
  if (trust.exitCode === 4) return t.result("untrusted", `signature verifies, but: ${lastError(trust.stderr)}`, trust);
  return t.result("error", `openssl failed: ${lastError(trust.stderr)}`, trust);
}

/** The most telling line of OpenSSL's error output ("Verify error: ..." when there is one). */
function lastError(stderr: string): string {
  const lines = stderr.trim().split("\n");
  const verifyError = lines.map((l) => /Verify error:(.*)$/.exec(l)?.[1]?.trim()).find(Boolean);
  if (verifyError) return verifyError;
  const reasons = lines.map((l) => /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/.exec(l)?.[1]).filter(Boolean);
  return reasons.length ? reasons.join("; ") : (lines.at(-1) ?? "no output");
}

export const opensslCms: Verifier = { name: "openssl-cms", packages: ["openssl"], verify };
