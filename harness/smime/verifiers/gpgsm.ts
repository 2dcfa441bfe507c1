// GnuPG's S/MIME engine: `gpgsm --verify` on the detached signature and the signed body part, in
// a fresh home directory whose keybox holds the trusted certificate and whose trustlist.txt names
// it ("S relax": trusted for S/MIME; "relax" accepts a root without the CA flag, as a self-signed
// DANE-EE certificate is).
//
// What gpgsm cannot express: it takes trust only from root (self-signed) certificates listed in
// trustlist.txt, and always walks the chain up to a root. So a non-self-signed certificate as the
// only trust (DANE-EE on a CA-issued certificate, or an intermediate as DANE-TA) is "unsupported".
//
// trustlist.txt is read by gpg-agent, not by gpgsm, so the trust check needs the agent: gpgsm
// starts one for the home directory (with no-allow-mark-trusted: it never asks about an unknown
// root), and it is stopped (gpgconf --kill) when the check is done.
// The home directory is a short temporary path because the agent's socket lives in it (a Unix
// socket path may not exceed 107 octets); a copy of trustlist.txt is kept in the work folder.
// No network: --disable-dirmngr, and no CRL or policy checks.
//
// The verdict comes from gpgsm's status lines (--status-fd): BADSIG is "invalid"; GOODSIG with
// TRUST_FULLY or TRUST_ULTIMATE is "valid"; GOODSIG with any other trust is "untrusted".
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  detachedFiles,
  isSelfSigned,
  sha1Fingerprint,
  Transcript,
  type Step,
  workFiles,
  type Verifier,
  type VerifierResult,
  type VerifyInput,
} from "./verifier.ts";

const OPTIONS = [
  "--batch",
  "--disable-dirmngr",
  "--disable-crl-checks",
  "--disable-trusted-cert-crl-check",
  "--disable-policy-checks",
];

export async function verify(input: VerifyInput): Promise<VerifierResult> {
  const t = new Transcript("gpgsm");
  const { dir, trusted } = workFiles(input, "gpgsm");
  if (!isSelfSigned(input.trustedCertPem))
    return t.result(
      "unsupported",
      "gpgsm takes trust only from self-signed root certificates in trustlist.txt; the trusted certificate " +
        "is not self-signed (DANE-EE on a CA-issued certificate, or an intermediate as the DANE-TA anchor)",
    );
  const files = detachedFiles(input, dir);
  if ("error" in files) return t.result("error", `cannot hand the message to gpgsm: ${files.error}`);

  const home = mkdtempSync(join(tmpdir(), "gpgsm-"));
  let imported: Step | undefined;
  let check: Step | undefined;
  try {
    const trustlist = `${sha1Fingerprint(input.trustedCertPem)} S relax\n`;
    writeFileSync(join(home, "trustlist.txt"), trustlist);
    // never offer to mark an unknown root trusted (it would wait for a pinentry that is not there)
    writeFileSync(join(home, "gpg-agent.conf"), "no-allow-mark-trusted\n");
    writeFileSync(join(dir, "trustlist.txt"), trustlist);
    const gpgsm = ["gpgsm", "--homedir", home, ...OPTIONS];
    imported = await t.run([...gpgsm, "--import", trusted]);
    if (imported.exitCode === 0)
      check = await t.run([...gpgsm, "--status-fd", "1", "--verify", files.signature, files.content]);
  } finally {
    await t.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"]);
    rmSync(home, { recursive: true, force: true });
  }
  if (!check) return t.result("error", `gpgsm --import failed: ${tail(imported?.stderr ?? "")}`, imported);
  return judge(t, check);
}

function judge(t: Transcript, check: Step): VerifierResult {
  const has = (keyword: string) => new RegExp(`^\\[GNUPG:\\] ${keyword}\\b`, "m").test(check.stdout);
  const trust = /^\[GNUPG:\] (TRUST_\w+)/m.exec(check.stdout)?.[1];
  const why = tail(check.stderr);
  if (has("BADSIG")) return t.result("invalid", `BADSIG: ${why}`, check);
  if (has("ERRSIG")) return t.result("error", `ERRSIG (gpgsm could not check the signature): ${why}`, check);
  if (!has("GOODSIG")) return t.result("error", `no signature status (exit ${check.exitCode}): ${why}`, check);
  if (trust === "TRUST_FULLY" || trust === "TRUST_ULTIMATE")
    return t.result("valid", `GOODSIG, ${trust}: the signer chains to the trusted certificate`, check);
  return t.result("untrusted", `GOODSIG, but ${trust ?? "no trust status"}: ${why}`, check);
}

/** gpgsm's last non-debug line of diagnostics. */
function tail(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("gpgsm: DBG:"));
  return lines.filter((l) => /invalid|not |error|bad/i.test(l)).at(-1) ?? lines.at(-1) ?? "no output";
}

export const gpgsm: Verifier = { name: "gpgsm", packages: ["gpgsm"], verify };
