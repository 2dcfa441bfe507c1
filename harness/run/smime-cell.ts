// A cell with `smime`: the lab's mail client signs (and maybe encrypts) and submits over
// authenticated submission; once delivered, the receiving client decrypts, verifies, and binds
// the signer to the From address through the remote site's validating resolver; then the three
// independent verifiers check the message against the certificate that binding produced.
import { join } from "node:path";
import type { StartedWorld } from "../driver/netns/world.ts";
import type { CellPlan } from "../plan/plan.ts";
import type { SmimeObservation } from "../observe/smime-observation.ts";
import type { SmimeSubmitReply } from "../mua/protocol.ts";
import type { SmimeCaseUsers } from "../world/smime-users.ts";
import { bindSigner, type Binding } from "../smime/binding.ts";
import { decryptMessage, signedParts, verifySignedMessage } from "../smime/cms.ts";
import { signedDataCertificates } from "../smime/cms-structures.ts";
import { splitAddress } from "../smime/smimea-owner.ts";
import { VERIFIERS, type VerifierResult } from "../smime/verifiers/index.ts";

export function smimeUsersOf(world: StartedWorld, cell: CellPlan): SmimeCaseUsers {
  const u = world.pki?.smime.get(cell.casePlan.case.id);
  if (!u) throw new Error(`${cell.id}: the world made no S/MIME users for this case`);
  return u;
}

export async function sendSmime(world: StartedWorld, cell: CellPlan, token: string, messageId: string) {
  const u = smimeUsersOf(world, cell);
  const s = cell.case.smime!;
  return world.mua!.submitSmime({
    host: cell.sender.ip,
    port: 587,
    from: u.senderAddress,
    to: u.recipientAddress,
    subject: `[${cell.id}] ${token}`,
    messageId,
    text: `Case ${cell.id}.\nBody token: ${token}\n`,
    auth: {
      user: u.senderAddress,
      password: world.opts.imapPassword,
      certFile: join(world.opts.worldDir, "pki", "lab-submission-cert.pem"),
      servername: cell.sender.host,
    },
    signer: { certPem: u.signer.certPem, keyPem: u.signer.keyPem, chainPems: u.signer.chainPems },
    ...(s.encrypt ? { encryptVia: world.plan.lab.resolverIp } : {}),
    ...(s.tamper === "body" ? { tamper: true } : {}),
  });
}

export interface SmimeReceived {
  observation: SmimeObservation;
  /** Evidence files, by name. */
  files: Record<string, string>;
}

const transcript = (r: VerifierResult) =>
  [
    `verdict: ${r.verdict} (${r.reason})`,
    `exit: ${r.exitCode}`,
    ...r.argv.map((a) => `$ ${a.join(" ")}`),
    "",
    "stdout:",
    r.stdout,
    "stderr:",
    r.stderr,
  ].join("\n");

export async function receiveSmime(
  world: StartedWorld,
  cell: CellPlan,
  sent: SmimeSubmitReply,
  fetched: string,
  workDir: string,
): Promise<SmimeReceived> {
  const u = smimeUsersOf(world, cell);
  const files: Record<string, string> = {
    "smime-message-sent.eml": sent.sent ?? "",
    "smime-message-fetched.eml": fetched,
    "smime-signer-certificate.pem": [u.signer.certPem, ...u.signer.chainPems].join(""),
    "smime-recipient-certificate.pem": u.recipient.certPem,
    ...(sent.lookup ? { "smimea-recipient-as-served.txt": sent.lookup } : {}),
  };
  let content = fetched;
  let decrypted: boolean | undefined;
  if (cell.case.smime!.encrypt) {
    try {
      content = await decryptMessage(fetched, u.recipient.keyPem, u.recipient.certPem);
      decrypted = true;
      files["smime-message-decrypted.eml"] = content;
    } catch (e) {
      decrypted = false;
      files["smime-decrypt-error.txt"] = (e as Error).message;
    }
  }
  // The deliberately weakened receiver (--weaken-mua), which proves the S/MIME cases can fail:
  // it believes any signed message, with no SMIMEA binding and no cryptographic check.
  const weak = world.opts.weakenMua === true;
  const v = await verifySignedMessage(content);
  const from = /<([^>]+)>/.exec(v.fromHeader ?? "")?.[1] ?? v.fromHeader?.trim() ?? u.senderAddress;
  const lookup = await world.mua!.lookupSmimea({ server: world.plan.remote.resolverIp, address: from });
  files["smimea-sender-as-served.txt"] = lookup.text;
  let carried: string[] = [];
  try {
    carried = signedDataCertificates(signedParts(content).signature);
  } catch {
    /* no signature to take certificates from */
  }
  const binding: Binding = !v.signerCertPem
    ? { trust: "none", reason: `no signer certificate (${v.reason})` }
    : weak
      ? { trust: "dane", reason: "weakened client: believes the message's own certificate", anchorPem: v.signerCertPem }
      : bindSigner(lookup, v.signerCertPem, carried, [world.pki!.localCa.root.certPem], splitAddressSafe(from));
  const verifiers = await Promise.all(
    VERIFIERS.map(async (ver) => {
      if (!binding.anchorPem)
        return {
          verifier: ver.name,
          verdict: "unsupported" as const,
          reason: "the client bound no certificate to trust",
        };
      const r = await ver.verify({ messageSource: content, trustedCertPem: binding.anchorPem, workDir });
      files[`verifier-${ver.name}.txt`] = transcript(r);
      return { verifier: ver.name, verdict: r.verdict, reason: r.reason };
    }),
  );
  return {
    observation: {
      signature: weak ? "valid" : v.signatureValid ? "valid" : "invalid",
      trust: binding.trust,
      decrypted,
      reason: `${v.reason}; ${binding.reason}`,
      verifiers,
    },
    files,
  };
}

/** The address as given, when it parses; the binding then checks it against the certificate. */
function splitAddressSafe(address: string): string {
  try {
    splitAddress(address);
    return address;
  } catch {
    return "";
  }
}
