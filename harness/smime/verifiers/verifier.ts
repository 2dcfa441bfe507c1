// The common shape of the independent S/MIME verifiers: other implementations' crypto engines
// (OpenSSL, NSS as in Thunderbird, GnuPG's gpgsm) judging a delivered message, each trusting
// exactly one certificate: the one the SMIMEA lookup bound to the sender's address (the signer's
// own certificate for usages 1 and 3, a trust anchor for usages 0 and 2).
//
// The trusted certificate is the only trust anchor, whatever it is (DANE semantics); PKIX
// validation to some other CA, which SMIMEA usages 0 and 1 add, is not the verifiers' business.
// Nor is the From address: none of the tools compares it with the certificate's rfc822Name.
//
// Verdicts:
//   invalid     the signature or the digest of the signed content does not verify (this wins
//               over untrusted: a tampered message from an untrusted signer is invalid);
//   untrusted   the signature verifies, but the signer does not chain to the trusted certificate;
//   valid       both;
//   unsupported this tool cannot express the trust setting (said in `reason`); it is not run, and
//               nothing is faked;
//   error       the tool failed for another reason (a message it cannot read, a crash, ...).
import { X509Certificate } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../os/exec.ts";
import { signedParts } from "../cms.ts";

export type VerifierName = "openssl-cms" | "nss-cmsutil" | "gpgsm";
export type Verdict = "valid" | "invalid" | "untrusted" | "error" | "unsupported";

export interface VerifyInput {
  /** The message as delivered (e.g. as fetched over IMAP; LF or CRLF line ends). */
  messageSource: string | Uint8Array;
  /** The one certificate to trust (PEM). */
  trustedCertPem: string;
  /** A folder for this verification's files; each verifier works in its own subfolder. */
  workDir: string;
}

export interface Step {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface VerifierResult {
  verifier: VerifierName;
  /** Every command run, in order. */
  argv: string[][];
  /** The exit status of the command that decided the verdict (-1 when none ran). */
  exitCode: number;
  /** All commands' output, each after a "$ command" line. */
  stdout: string;
  stderr: string;
  verdict: Verdict;
  reason: string;
  steps: Step[];
}

export interface Verifier {
  name: VerifierName;
  /** The Debian packages that provide its commands. */
  packages: string[];
  verify(input: VerifyInput): Promise<VerifierResult>;
}

/** Runs commands and records them; result() turns the record into a VerifierResult. */
export class Transcript {
  readonly steps: Step[] = [];
  constructor(readonly verifier: VerifierName) {}

  async run(argv: string[], env?: NodeJS.ProcessEnv): Promise<Step> {
    const r = await run(argv, { env: env ? { ...process.env, ...env } : undefined, timeoutMs: 20_000 });
    const step = { argv, exitCode: r.code, stdout: r.stdout, stderr: r.stderr };
    this.steps.push(step);
    return step;
  }

  result(verdict: Verdict, reason: string, decidedBy?: Step): VerifierResult {
    const all = (k: "stdout" | "stderr") => this.steps.map((s) => `$ ${s.argv.join(" ")}\n${s[k]}`).join("\n");
    return {
      verifier: this.verifier,
      argv: this.steps.map((s) => s.argv),
      exitCode: (decidedBy ?? this.steps.at(-1))?.exitCode ?? -1,
      stdout: all("stdout"),
      stderr: all("stderr"),
      verdict,
      reason,
      steps: this.steps,
    };
  }
}

export interface WorkFiles {
  dir: string;
  message: string;
  trusted: string;
}

/** The verifier's own subfolder, with the message as delivered and the trusted certificate. */
export function workFiles(input: VerifyInput, name: VerifierName): WorkFiles {
  const dir = join(input.workDir, name);
  mkdirSync(dir, { recursive: true });
  const message = join(dir, "message.eml");
  const trusted = join(dir, "trusted.pem");
  writeFileSync(message, input.messageSource);
  writeFileSync(trusted, input.trustedCertPem);
  return { dir, message, trusted };
}

/** For tools that take a detached signature and its content as two files (cmsutil, gpgsm): the
 *  signed body part in canonical form and the DER SignedData, split out by harness/smime/mime.ts.
 *  Returns { error } when the message is not multipart/signed. */
export function detachedFiles(
  input: VerifyInput,
  dir: string,
): { content: string; signature: string; signatureDer: Buffer } | { error: string } {
  try {
    const parts = signedParts(input.messageSource);
    const content = join(dir, "content.mime");
    const signature = join(dir, "signature.p7s");
    writeFileSync(content, Buffer.from(parts.content, "latin1"));
    writeFileSync(signature, parts.signature);
    return { content, signature, signatureDer: parts.signature };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export const isCaCertificate = (pem: string) => new X509Certificate(pem).ca;

/** Issued by itself: its issuer is its subject and its own key verifies its signature. (Not
 *  X509Certificate.checkIssued(), which also wants keyCertSign, which a DANE-EE leaf lacks.) */
export function isSelfSigned(pem: string): boolean {
  const x = new X509Certificate(pem);
  return x.issuer === x.subject && x.verify(x.publicKey);
}

export const sha1Fingerprint = (pem: string) => new X509Certificate(pem).fingerprint; // "AA:BB:..."
