// bindings.yaml: which implementation plays an external product (Exchange, AD DNS, Secure64, …)
// instead of its default stand-in. A vendor adds its product as an implementation folder (its
// manifest, templates, a start command that reaches the product) and binds the role to it here.
import { z } from "zod";

export const Binding = z
  .object({
    /** An environments/<name> folder that fills the product's roles in this run. */
    implementation: z.string().regex(/^[a-z0-9-]+$/),
    note: z.string().optional(),
  })
  .strict();

export const Bindings = z.record(z.string().regex(/^[a-z0-9-]+$/), Binding);
export type Bindings = z.infer<typeof Bindings>;
