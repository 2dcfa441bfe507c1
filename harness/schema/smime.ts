// The S/MIME part of a case (RFC 8551 signatures and encryption, RFC 8162 SMIMEA): how the lab
// user signs, which SMIMEA records are published for the address and where, and what the
// receiving mail client and the independent verifiers must conclude.
import { z } from "zod";
import { associationSpec } from "./record-spec.ts";

/** What an SMIMEA record is made from. */
export const SmimeaSource = z.enum([
  "signer", // the certificate the user signs with (the default for usages 1 and 3)
  "ta", // the local CA's root (the default for usages 0 and 2)
  "other", // another certificate of the same user, which the user does not sign with
]);

export const SmimeaSpec = associationSpec(SmimeaSource);
export type SmimeaSpec = z.infer<typeof SmimeaSpec>;

/** Where an address's SMIMEA RRset lives: the signed zone, a child zone with no DS (insecure),
 *  or a child zone whose SMIMEA signature is altered (bogus). */
export const SmimeaZone = z.enum(["signed", "unsigned", "bogus"]);
export type SmimeaZone = z.infer<typeof SmimeaZone>;

export const SmimeSetup = z
  .object({
    signer: z
      .object({
        certificate: z.enum(["local-ca", "self-signed"]),
        key: z.enum(["rsa", "ecdsa"]).default("rsa"),
        /** "impostor": someone else sends as the user, with a certificate of their own that the
         *  user's SMIMEA does not bind. */
        who: z.enum(["user", "impostor"]).default("user"),
      })
      .strict(),
    /** The sender's SMIMEA records; empty: the address has none (secure NODATA). */
    smimea: z.array(SmimeaSpec).default([]),
    zone: SmimeaZone.default("signed"),
    /** Encrypt to the recipient's certificate, found through its SMIMEA (3 0 0: the whole
     *  certificate), validated by the lab's resolver. */
    encrypt: z
      .object({ recipientZone: SmimeaZone.default("signed") })
      .strict()
      .optional(),
    /** "body": the body is altered after signing, as an on-path modifier would. */
    tamper: z.enum(["none", "body"]).default("none"),
  })
  .strict();
export type SmimeSetup = z.infer<typeof SmimeSetup>;

export const SmimeTrust = z.enum([
  "dane", // a DNSSEC-secure SMIMEA record binds the signer's certificate to the address
  "ca", // no usable SMIMEA; the signer's certificate chains to a CA the client trusts
  "none", // neither
]);
export type SmimeTrust = z.infer<typeof SmimeTrust>;

/** What the receiving side must conclude. Unset fields match anything. */
export const SmimeAcceptable = z
  .object({
    /** The sending client refused to send (it found no secure certificate to encrypt to). */
    refused: z.boolean().optional(),
    signature: z.enum(["valid", "invalid"]).optional(),
    trust: z.array(SmimeTrust).min(1).optional(),
    decrypted: z.boolean().optional(),
  })
  .strict();
export type SmimeAcceptable = z.infer<typeof SmimeAcceptable>;
