// The independent S/MIME verifiers, a matrix dimension standing in for the real clients' crypto
// engines: OpenSSL, NSS (Thunderbird's) and GnuPG's gpgsm.
import { gpgsm } from "./gpgsm.ts";
import { nssCmsutil } from "./nss-cmsutil.ts";
import { opensslCms } from "./openssl-cms.ts";
import type { Verifier } from "./verifier.ts";

export const VERIFIERS: readonly Verifier[] = [opensslCms, nssCmsutil, gpgsm];

/** The Debian packages the verifiers need. */
export const VERIFIER_PACKAGES = [...new Set(VERIFIERS.flatMap((v) => v.packages))];

export type { Verdict, Verifier, VerifierName, VerifierResult, VerifyInput } from "./verifier.ts";
