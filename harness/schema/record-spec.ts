// A certificate association record as a case asks for it: TLSA (RFC 6698) and SMIMEA (RFC 8162)
// share usage, selector and matching type; `of` names what the record is made from.
import { z } from "zod";

/** A rendering-time fault: the record is made from the real certificate, then broken. */
export const TlsaFault = z.enum(["wrong-digest"]);
export type TlsaFault = z.infer<typeof TlsaFault>;

export function associationSpec<S extends z.ZodEnum>(of: S) {
  return z
    .object({
      usage: z.number().int().min(0).max(255),
      selector: z.number().int().min(0).max(255),
      matching: z.number().int().min(0).max(255),
      of: of.optional(),
      fault: TlsaFault.optional(),
    })
    .strict();
}
