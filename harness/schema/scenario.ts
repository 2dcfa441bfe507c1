// The scenario schema: the single source of truth for scenarios/*.yaml.
// Expected outcomes are a separate vocabulary from observed ones (see observation.ts),
// as in x509-limbo: an expectation is a *set* of acceptable observations.
import { z } from "zod";

export const ROLES = ["mua", "mta-sender", "mta-receiver", "mda", "authority", "resolver", "signer"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const PROFILES = ["rfc7672", "nccoe-2017"] as const;
export const Profile = z.enum(PROFILES);
export type Profile = z.infer<typeof Profile>;

/** Which software fills each role at one site. Values are environments/<name>. */
export const SiteRoster = z
  .object({
    mua: z.string().optional(),
    "mta-sender": z.string().optional(),
    "mta-receiver": z.string().optional(),
    mda: z.string().optional(),
    authority: z.string(),
    resolver: z.string(),
    signer: z.string(),
  })
  .strict();
export type SiteRoster = z.infer<typeof SiteRoster>;

export const TlsaFault = z.enum(["wrong-digest"]);
export type TlsaFault = z.infer<typeof TlsaFault>;

export const TlsaSpec = z
  .object({
    usage: z.number().int().min(0).max(255),
    selector: z.number().int().min(0).max(255),
    matching: z.number().int().min(0).max(255),
    /** Rendering-time fault: the record is made from the real certificate, then broken. */
    fault: TlsaFault.optional(),
  })
  .strict();
export type TlsaSpec = z.infer<typeof TlsaSpec>;

export const Delivery = z.enum(["delivered", "withheld"]);
export const TlsState = z.enum([
  "verified", // DANE (or PKIX) authenticated the server
  "trusted", // PKIX chain ok, name not checked (Postfix "Trusted")
  "untrusted", // encrypted, not authenticated
  "anonymous", // encrypted, anonymous cipher
  "none", // cleartext SMTP
  "verification-failed", // handshake done, authentication refused, nothing sent
]);
export type TlsState = z.infer<typeof TlsState>;

/** One acceptable observation. Unset fields match anything. */
export const Acceptable = z
  .object({
    delivery: Delivery,
    tls: z.array(TlsState).min(1).optional(),
    cleartext: z.boolean().optional(),
  })
  .strict();
export type Acceptable = z.infer<typeof Acceptable>;

export const Expectation = z
  .object({
    /** The rule the expectation comes from: RFC section or the guide. */
    rule: z.string().min(1),
    accept: z.array(Acceptable).min(1),
  })
  .strict();
export type Expectation = z.infer<typeof Expectation>;

const CASE_ID = /^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/;

export const Case = z
  .object({
    id: z.string().regex(CASE_ID, "a case id looks like 'seq17/dane-ee-valid'"),
    title: z.string().min(1),
    tlsa: z.array(TlsaSpec).min(1),
    /** Expectations per profile; 'rfc7672' is required, others fall back to it. */
    expect: z.object({ rfc7672: Expectation, "nccoe-2017": Expectation.optional() }).strict(),
    /** Every positive case names its negative twin, and the twin names what it is twin of. */
    twin: z.string().regex(CASE_ID).optional(),
    twinOf: z.string().regex(CASE_ID).optional(),
    refs: z
      .object({
        rfc: z.array(z.string()).default([]),
        nist: z.array(z.number().int()).default([]),
      })
      .strict()
      .default({ rfc: [], nist: [] }),
  })
  .strict();
export type Case = z.infer<typeof Case>;

export const Scenario = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    kind: z.enum(["sequence", "catalogue"]),
    sequence: z.number().int().optional(),
    title: z.string().min(1),
    source: z.string().min(1),
    receiverCertificate: z.enum(["self-signed", "local-ca"]),
    roster: z.object({ lab: SiteRoster, remote: SiteRoster }).strict(),
    cases: z.array(Case).min(1),
  })
  .strict();
export type Scenario = z.infer<typeof Scenario>;
