// The scenario schema: the single source of truth for scenarios/*.yaml.
// Expected outcomes are a separate vocabulary from observed ones (see observation.ts),
// as in x509-limbo: an expectation is a *set* of acceptable observations.
import { z } from "zod";
import { SmimeAcceptable, SmimeSetup } from "./smime.ts";
import { associationSpec } from "./record-spec.ts";

export const ROLES = ["mua", "mta-sender", "mta-receiver", "mda", "authority", "resolver", "signer"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const PROFILES = ["rfc7672", "nccoe-2017"] as const;
export const Profile = z.enum(PROFILES);
export type Profile = z.infer<typeof Profile>;

/** The lab site's canonical roster from the guide. Values are environments/<name> folders;
 *  an `external` implementation (Exchange, AD DNS, Secure64) is filled by its stand-in unless bound. */
export const LabRoster = z
  .object({
    mua: z.string().optional(),
    "mta-sender": z.string(),
    authority: z.string(),
    resolver: z.string(),
    signer: z.string(),
  })
  .strict();
export type LabRoster = z.infer<typeof LabRoster>;

/** The remote site: its mail software. Its DNS runs the same stack as the world's lab site. */
export const RemoteRoster = z.object({ "mta-receiver": z.string(), mda: z.string() }).strict();
export type RemoteRoster = z.infer<typeof RemoteRoster>;

export { TlsaFault } from "./record-spec.ts";

/** What a TLSA record is made from. */
export const TlsaSource = z.enum([
  "presented", // the certificate the receiver presents (the default for usages 1 and 3)
  "ta", // the local CA's root, the trust anchor (the default for usages 0 and 2)
  "intermediate", // the local CA's intermediate
  "spare", // a second certificate of the same kind that the receiver does not present
  "other-ca", // the root of an unrelated CA
]);
export type TlsaSource = z.infer<typeof TlsaSource>;

export const TlsaSpec = associationSpec(TlsaSource);
export type TlsaSpec = z.infer<typeof TlsaSpec>;

export const CertificateKind = z.enum(["self-signed", "local-ca", "other-ca"]);
export type CertificateKind = z.infer<typeof CertificateKind>;

/** The certificate the receiving MTA presents for one case. */
export const Presented = z
  .object({
    kind: CertificateKind.optional(), // default: the scenario's receiverCertificate
    /** "mx": names the case's MX host; "mismatch": names another host only. */
    name: z.enum(["mx", "mismatch"]).default("mx"),
    validity: z.enum(["valid", "expired"]).default("valid"),
    /** "without-ta": the server sends its chain without the trust anchor certificate. */
    chain: z.enum(["full", "without-ta"]).default("full"),
  })
  .strict();
export type Presented = z.infer<typeof Presented>;

/** DNS faults, each a rendering choice of the case's own child zone. */
export const DnsFault = z.enum([
  "none", // a valid signed child zone: the positive twin
  "bad-rrsig", // the TLSA RRSIG's signature altered
  "expired-rrsig", // every RRSIG expired
  "not-yet-valid-rrsig", // every RRSIG's inception in the future
  "missing-rrsig", // the TLSA RRset unsigned
  "ds-wrong-digest", // the parent's DS does not match the child's KSK
  "ds-unknown-algorithm", // the DS names an algorithm no resolver knows: insecure, not bogus
  "no-ds", // no DS at all: an island of security, insecure
  "a-bad-rrsig", // the signature over the MX host's A RRset altered
  "a-expired-rrsig", // only the RRSIG over the MX host's A RRset expired
  "a-not-yet-valid-rrsig", // only the RRSIG over the MX host's A RRset not yet valid
  "a-missing-rrsig", // the MX host's A RRset unsigned
  "aaaa-bad-rrsig", // the same four on the AAAA RRset of an MX host that has only an IPv6 address
  "aaaa-expired-rrsig",
  "aaaa-not-yet-valid-rrsig",
  "aaaa-missing-rrsig",
  "mx-host-unsigned-zone", // the MX host is its own unsigned zone (A and TLSA), delegated without DS
  "tlsa-unsigned-zone", // _tcp.<MX host> is its own unsigned zone, delegated without DS; the A stays signed
  "tlsa-nxdomain", // no TLSA RRset, and no name at its owner: a secure NXDOMAIN (the case has `tlsa: []`)
  "tlsa-nodata", // the TLSA owner holds only a TXT record: a secure NODATA (the case has `tlsa: []`)
  "tlsa-servfail", // _tcp.<MX host> is a signed zone the authority is told to serve but cannot load
  "tlsa-no-answer", // _tcp.<MX host> is delegated to an address on the world's link where no host is
]);
export type DnsFault = z.infer<typeof DnsFault>;

/** Where a CNAME's target lives: in the signed tree, or in an unsigned zone (insecure). */
const CnameTarget = z.enum(["signed", "unsigned"]);

export const CnameLayout = z
  .object({
    /** mx.<domain> CNAME host.<domain> ("signed") or mx.insecure.<domain>, in an unsigned zone. */
    mx: CnameTarget.optional(),
    /** With an MX alias: the case's TLSA RRset sits at the alias's target (the expanded name,
     *  the default) or at the alias itself (the original name). */
    tlsaAt: z.enum(["expanded", "original"]).optional(),
    /** With an MX alias and tlsaAt "expanded": another RRset at the original name as well. */
    originalTlsa: z.array(TlsaSpec).min(1).optional(),
    /** _25._tcp.<MX host> CNAME tlsa.<domain> ("signed") or tlsa.insecure.<domain>, which holds
     *  the case's TLSA RRset. */
    tlsa: CnameTarget.optional(),
  })
  .strict()
  .refine((c) => c.mx || c.tlsa, "a cname layout names 'mx' or 'tlsa'")
  .refine((c) => c.mx || (!c.tlsaAt && !c.originalTlsa), "'tlsaAt' and 'originalTlsa' need an MX alias ('mx')")
  .refine((c) => !(c.originalTlsa && c.tlsaAt === "original"), "'originalTlsa' goes with tlsaAt 'expanded'");
export type CnameLayout = z.infer<typeof CnameLayout>;

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
    /** Which MX host took the message: "primary" (mx.<domain>) or "backup" (mx2.<domain>). */
    via: z.enum(["primary", "backup"]).optional(),
    tls: z.array(TlsState).min(1).optional(),
    cleartext: z.boolean().optional(),
    /** For a case with `smime`: what the receiving mail client and the verifiers conclude. */
    smime: SmimeAcceptable.optional(),
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
    /** The TLSA RRset. Empty only where the case's dnsFault says there is none (tlsa-nxdomain, tlsa-nodata). */
    tlsa: z.array(TlsaSpec),
    present: Presented.optional(),
    /** A second MX host (preference 20, after the case's own at 10), on its own receiver
     *  address with its own certificate and these TLSA records. */
    backupMx: z
      .object({ tlsa: z.array(TlsaSpec).min(1) })
      .strict()
      .optional(),
    /** A DNS fault: the case's mail domain becomes a child zone of remote.test, signed by the
     *  harness with this fault (RFC 4035 bogus or insecure states, failed or empty lookups). */
    dnsFault: DnsFault.optional(),
    /** "ipv6": the MX host has an AAAA record and no A record, and the receiver listens on an
     *  IPv6 address (the aaaa-* faults break that AAAA RRset). Default: an A record only. */
    mxAddress: z.enum(["ipv4", "ipv6"]).optional(),
    /** Aliases (RFC 7672 §2.2.2 and §2.2.3), with dnsFault "none": in the case's own child zone,
     *  the MX host or the TLSA owner is a CNAME. */
    cname: CnameLayout.optional(),
    /** Mail-client security on top of the MTA hop: the message is S/MIME signed (and maybe
     *  encrypted) by the lab's mail client, with SMIMEA records (RFC 8162) for the addresses. */
    smime: SmimeSetup.optional(),
    /** An on-path attacker takes over the case's receiver address and runs this attack. */
    attack: z
      .object({
        kind: z.enum(["strip-tls", "starttls-454", "mitm", "tls-fail"]),
        /** mitm: the attacker's certificate, which names the MX host (or, with "mismatch", another). */
        certificate: CertificateKind.default("self-signed"),
        name: z.enum(["mx", "mismatch"]).default("mx"),
      })
      .strict()
      .optional(),
    /** With an attack: what the control sender (the same MTA with opportunistic TLS, no DANE)
     *  must show, which proves the attack is real. */
    control: Expectation.optional(),
    /** Features each role's implementation must declare (manifest `features:`); a cell whose
     *  implementation lacks one is "unsupported" with the reason, not failed. */
    requires: z.partialRecord(Role, z.array(z.string())).optional(),
    /** Expectations per profile; 'rfc7672' is required, others fall back to it. */
    expect: z.object({ rfc7672: Expectation, "nccoe-2017": Expectation.optional() }).strict(),
    /** One YAML entry, several cases: every combination of these replaces the TLSA records'
     *  selector and matching type, and the case id gets "-s<S>m<M>" (its twin varies alike). */
    vary: z
      .object({
        selector: z.array(z.number().int().min(0).max(255)).min(1),
        matching: z.array(z.number().int().min(0).max(255)).min(1),
      })
      .strict()
      .optional(),
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
  .strict()
  .superRefine((c, ctx) => {
    const noTlsa = c.dnsFault === "tlsa-nxdomain" || c.dnsFault === "tlsa-nodata";
    if (noTlsa && c.tlsa.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["tlsa"],
        message: `dnsFault '${c.dnsFault}' publishes no TLSA: write tlsa: []`,
      });
    if (!noTlsa && c.tlsa.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["tlsa"],
        message: "at least one TLSA record (tlsa: [] only with dnsFault tlsa-nxdomain or tlsa-nodata)",
      });
    if (c.cname && c.dnsFault !== "none")
      ctx.addIssue({
        code: "custom",
        path: ["cname"],
        message: "a cname layout needs dnsFault: none (the case's own child zone, correctly signed)",
      });
    const family = c.dnsFault?.startsWith("aaaa-") ? "ipv6" : c.dnsFault?.startsWith("a-") ? "ipv4" : undefined;
    if (family && (c.mxAddress ?? "ipv4") !== family)
      ctx.addIssue({
        code: "custom",
        path: ["mxAddress"],
        message: `dnsFault '${c.dnsFault}' breaks the MX host's ${family === "ipv6" ? "AAAA" : "A"} RRset: write mxAddress: ${family}`,
      });
    if (c.mxAddress === "ipv6" && (c.backupMx || c.attack || c.cname))
      ctx.addIssue({
        code: "custom",
        path: ["mxAddress"],
        message: "an IPv6-only MX host goes without a backup MX, an attack or a cname layout",
      });
    if ((c.dnsFault || c.cname) && (c.backupMx || c.attack))
      ctx.addIssue({
        code: "custom",
        path: ["dnsFault"],
        message: "a case with its own child zone has no backup MX and no attack",
      });
  });
export type Case = z.infer<typeof Case>;

export const Scenario = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    kind: z.enum(["sequence", "catalogue"]),
    sequence: z.number().int().optional(),
    title: z.string().min(1),
    source: z.string().min(1),
    receiverCertificate: CertificateKind,
    roster: z.object({ lab: LabRoster, remote: RemoteRoster }).strict(),
    /** Matrix variants besides the canonical roster: every implementation that can fill the role. */
    variants: z
      .object({ "mta-sender": z.boolean().default(true), dns: z.boolean().default(true) })
      .strict()
      .default({ "mta-sender": true, dns: true }),
    cases: z.array(Case).min(1),
  })
  .strict();
export type Scenario = z.infer<typeof Scenario>;
