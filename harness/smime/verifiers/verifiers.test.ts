// Each independent verifier (openssl cms, NSS cmsutil, gpgsm) against the same messages and trust
// settings. Needs the Debian packages openssl, libnss3-tools and gpgsm; a verifier whose command
// is missing says so and is skipped.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localCa } from "../../world/pki.ts";
import { signMessage } from "../cms.ts";
import { smimeUser, type SmimeUser } from "../user-certs.ts";
import { VERIFIERS, type Verdict, type VerifierName } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "smime-verifiers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ca = localCa("Lab");
let alice: SmimeUser; // RSA-2048 from the local CA
let bob: SmimeUser; // ECDSA P-256, self-signed (DANE-EE)
let mallory: SmimeUser; // RSA-2048, self-signed: an impostor with its own certificate
const msgs: Record<string, string> = {};

beforeAll(async () => {
  [alice, bob, mallory] = await Promise.all([
    smimeUser({ address: "alice@lab.test", ca }),
    smimeUser({ address: "bob@remote.test", keyType: "ecdsa-p256" }),
    smimeUser({ address: "mallory@evil.test" }),
  ]);
  const mail = (from: string, signer: SmimeUser) =>
    signMessage({
      from,
      to: "carol@lab.test",
      subject: "Figures",
      text: "The figures: 42.\n",
      messageId: "<m@x>",
      signer,
    });
  msgs.alice = await mail("alice@lab.test", alice);
  msgs.bob = await mail("bob@remote.test", bob);
  msgs.bobAsMallory = await mail("bob@remote.test", mallory);
});

const tamper = (m: string) => m.replace("The figures: 42.", "The figures: 24.");

interface Case {
  name: string;
  message: () => string;
  trusted: () => string;
  expected: Record<VerifierName, Verdict>;
}
const all = (v: Verdict): Record<VerifierName, Verdict> => ({ "openssl-cms": v, "nss-cmsutil": v, gpgsm: v });

const cases: Case[] = [
  {
    name: "self-signed ECDSA signer trusted as itself (DANE-EE)",
    message: () => msgs.bob!,
    trusted: () => bob.certPem,
    expected: all("valid"),
  },
  {
    name: "CA-issued RSA signer, the CA root trusted (DANE-TA)",
    message: () => msgs.alice!,
    trusted: () => ca.root.certPem,
    expected: all("valid"),
  },
  {
    name: "the same, as IMAP may return it (LF line ends)",
    message: () => msgs.alice!.replace(/\r\n/g, "\n"),
    trusted: () => ca.root.certPem,
    expected: all("valid"),
  },
  {
    name: "body tampered in transit",
    message: () => tamper(msgs.bob!),
    trusted: () => bob.certPem,
    expected: all("invalid"),
  },
  {
    name: "body tampered, CA-issued signer",
    message: () => tamper(msgs.alice!),
    trusted: () => ca.root.certPem,
    expected: all("invalid"),
  },
  {
    name: "wrong trusted certificate (another self-signed one)",
    message: () => msgs.alice!,
    trusted: () => mallory.certPem,
    expected: all("untrusted"),
  },
  {
    name: "impostor signs as bob with its own certificate; bob's is trusted",
    message: () => msgs.bobAsMallory!,
    trusted: () => bob.certPem,
    expected: all("untrusted"),
  },
  {
    name: "tampered and wrongly trusted: invalid first",
    message: () => tamper(msgs.alice!),
    trusted: () => mallory.certPem,
    expected: all("invalid"),
  },
  {
    name: "CA-issued signer trusted as itself (DANE-EE without the CA)",
    message: () => msgs.alice!,
    trusted: () => alice.certPem,
    expected: { "openssl-cms": "valid", "nss-cmsutil": "valid", gpgsm: "unsupported" },
  },
  {
    name: "the intermediate as the only trust anchor (DANE-TA on an intermediate)",
    message: () => msgs.alice!,
    trusted: () => ca.intermediate.certPem,
    expected: { "openssl-cms": "valid", "nss-cmsutil": "valid", gpgsm: "unsupported" },
  },
  {
    name: "not an S/MIME message",
    message: () => "From: a@b.test\r\n\r\nhi\r\n",
    trusted: () => bob.certPem,
    expected: { "openssl-cms": "error", "nss-cmsutil": "error", gpgsm: "error" },
  },
];

const commandOf: Record<VerifierName, string> = { "openssl-cms": "openssl", "nss-cmsutil": "cmsutil", gpgsm: "gpgsm" };
const installed = (cmd: string) => ["/usr/bin", "/bin", "/usr/sbin"].some((d) => existsSync(join(d, cmd)));

for (const verifier of VERIFIERS) {
  describe.skipIf(!installed(commandOf[verifier.name]))(`verifier ${verifier.name}`, () => {
    it.each(cases.map((c, i) => [c.name, i] as const))("%s", async (_name, i) => {
      const c = cases[i]!;
      const workDir = join(dir, verifier.name, String(i));
      const r = await verifier.verify({ messageSource: c.message(), trustedCertPem: c.trusted(), workDir });
      const expected = c.expected[verifier.name];
      expect({ verdict: r.verdict, reason: r.reason }).toMatchObject({ verdict: expected });
      expect(r.verifier).toBe(verifier.name);
      expect(r.argv.length).toBe(r.steps.length);
      // a verdict on the signature comes from the tool's own run; "error" may come from before it
      if (["valid", "invalid", "untrusted"].includes(expected)) expect(r.argv.length).toBeGreaterThan(0);
      if (expected === "unsupported") expect(r.reason).toMatch(/not self-signed/);
    });
  });
}
