// The S/MIME side of a world's PKI: for every case with `smime`, the lab user who signs (from the
// local CA or self-signed, RSA or ECDSA), the certificate actually used (the user's, or an
// impostor's for the same address), another certificate of the user (for SMIMEA records that
// bind something else), and the recipient, whose certificate the sender encrypts to.
import type { CasePlan, WorldPlan } from "../plan/plan.ts";
import { LAB_ZONE } from "../plan/plan.ts";
import type { SmimeaSpec } from "../schema/smime.ts";
import { smimeaFor, type SmimeaRdata } from "../smime/smimea-record.ts";
import { smimeUser, type SmimeUser } from "../smime/user-certs.ts";
import type { LocalCa } from "./pki.ts";

export interface SmimeCaseUsers {
  senderAddress: string;
  recipientAddress: string;
  /** The user the SMIMEA records are about. */
  user: SmimeUser;
  /** Who really signs: the user, or an impostor with its own certificate for the same address. */
  signer: SmimeUser;
  /** Another certificate of the user (an SMIMEA record `of: other` is made from it). */
  other?: SmimeUser;
  recipient: SmimeUser;
}

/** The lab address that signs a case's mail: in the case's own lab domain, "<label>.lab.test". */
export const smimeSenderDomain = (cp: Pick<CasePlan, "domain">) => `${cp.domain.split(".")[0]}.${LAB_ZONE}`;

/** `rsa`: four RSA keys shared by every case's users (the world's leaf keys), each case's four
 *  roles on four different keys: making a fresh RSA key for every user cost seconds of bring-up.
 *  ECDSA keys are made fresh (cheap). */
const ROLES = { user: 0, impostor: 1, other: 2, recipient: 3 } as const;

export async function makeSmimeUsers(w: WorldPlan, ca: LocalCa, rsa: string[]): Promise<Map<string, SmimeCaseUsers>> {
  if (new Set(rsa).size < Object.keys(ROLES).length) throw new Error("the S/MIME users need four different RSA keys");
  const out = new Map<string, SmimeCaseUsers>();
  await Promise.all(
    w.cases
      .filter((cp) => cp.case.smime)
      .map(async (cp) => {
        const s = cp.case.smime!;
        const senderAddress = `alice@${smimeSenderDomain(cp)}`;
        const recipientAddress = `bob@${cp.domain}`;
        const keyType = s.signer.key === "ecdsa" ? "ecdsa-p256" : "rsa-2048";
        const fromCa = s.signer.certificate === "local-ca" ? { ca } : {};
        const key = (role: keyof typeof ROLES) => (keyType === "rsa-2048" ? { keyPem: rsa[ROLES[role]] } : {});
        const [user, impostor, other, recipient] = await Promise.all([
          smimeUser({ address: senderAddress, keyType, ...fromCa, ...key("user") }),
          s.signer.who === "impostor" ? smimeUser({ address: senderAddress, keyType, ...key("impostor") }) : undefined,
          s.smimea.some((r) => r.of === "other")
            ? smimeUser({ address: senderAddress, keyType, ...fromCa, ...key("other") })
            : undefined,
          smimeUser({ address: recipientAddress, ca, keyPem: rsa[ROLES.recipient] }),
        ]);
        out.set(cp.case.id, { senderAddress, recipientAddress, user, signer: impostor ?? user, other, recipient });
      }),
  );
  return out;
}

/** The sender's SMIMEA RRset, from the real certificates. */
export function senderSmimea(u: SmimeCaseUsers, specs: SmimeaSpec[]): SmimeaRdata[] {
  return specs.map((spec) => {
    const { of, ...rest } = spec;
    if (of === "other") {
      if (!u.other) throw new Error(`${u.senderAddress}: no other certificate was made`);
      return smimeaFor(u.other, { ...rest, of: "user" });
    }
    return smimeaFor(u.user, { ...rest, of: of === "ta" ? "ta" : of === "signer" ? "user" : undefined });
  });
}

/** The recipient's SMIMEA: its whole certificate (3 0 0), which a sender can encrypt to. */
export const recipientSmimea = (u: SmimeCaseUsers) => [smimeaFor(u.recipient, { usage: 3, selector: 0, matching: 0 })];
