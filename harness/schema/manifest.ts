// The implementation manifest schema: environments/<name>/manifest.yaml.
// An implementation is data: which roles it fills, how to render, start, probe and version it.
import { z } from "zod";
import { Role } from "./scenario.ts";

/** A readiness probe, polled until it holds. Strings may use {{template}} variables. */
export const Probe = z.union([
  z.object({ tcp: z.object({ host: z.string(), port: z.union([z.number().int(), z.string()]) }).strict() }).strict(),
  z.object({ unix: z.object({ path: z.string() }).strict() }).strict(),
  z
    .object({
      dns: z
        .object({
          server: z.string(),
          name: z.string(),
          type: z.string().default("SOA"),
          /** Require RRSIGs in the answer (a signed zone is being served). */
          signed: z.boolean().default(false),
          /** Require the AD bit (a validating resolver validated the answer). */
          ad: z.boolean().default(false),
        })
        .strict(),
    })
    .strict(),
  z.object({ file: z.object({ path: z.string(), contains: z.string() }).strict() }).strict(),
]);
export type Probe = z.infer<typeof Probe>;

export const RoleSpec = z
  .object({
    /** Output file name (relative to the instance folder) -> template file (relative to the manifest). */
    templates: z.record(z.string(), z.string()).default({}),
    /** Folders to create in the instance folder before start, with an optional owner user. */
    folders: z
      .array(
        z
          .object({
            path: z.string(),
            owner: z.string().optional(),
            group: z.string().optional(),
            mode: z
              .string()
              .regex(/^[0-7]{3,4}$/)
              .optional(),
          })
          .strict(),
      )
      .default([]),
    /** Empty files to create before start (marker files), after the folders. */
    files: z.array(z.object({ path: z.string() }).strict()).default([]),
    /** Commands to run (argv) before start, in the host's namespace, e.g. to prepare a queue. */
    prepare: z.array(z.array(z.string()).min(1)).default([]),
    /** For an offline role (signer): a module, relative to the manifest, exporting signZone(). */
    module: z.string().optional(),
    /** The daemon in the foreground; argv, never a shell string. Omit for offline roles. */
    start: z.array(z.string()).min(1).optional(),
    ready: z.array(Probe).default([]),
    /** Log files relative to the instance folder, copied as evidence. */
    logs: z.array(z.string()).default([]),
  })
  .strict();
export type RoleSpec = z.infer<typeof RoleSpec>;

export const Manifest = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string(),
    /** native: a Debian package the harness runs. external: a product a vendor binds (see bindings). */
    kind: z.enum(["native", "external"]).default("native"),
    /** For an external product (kind: external): the implementation that stands in for it by
     *  default, and how a vendor binds the real product instead. Results label the stand-in. */
    standIn: z.string().optional(),
    binding: z.string().optional(),
    /** A stand-in shipped as its own folder says which product it stands in for. */
    standInFor: z.string().optional(),
    /** A DNS stack is led by an implementation that fills `authority`; it names the partners
     *  for the stack roles it does not fill itself (e.g. NSD: resolver unbound, signer opendnssec). */
    stack: z.object({ resolver: z.string().optional(), signer: z.string().optional() }).strict().optional(),
    /** Leave this implementation out of matrix variants (it still fills rosters that name it). */
    variant: z.boolean().default(true),
    packages: z.array(z.string()).default([]),
    /** Debian packages that conflict with installed ones (exim4 vs postfix): the setup downloads
     *  them and unpacks them with dpkg -x into /opt/nccoe-harness/unpacked/<package>, not installed. */
    unpack: z.array(z.string()).default([]),
    /** System users (each with a group of the same name) the setup creates, e.g. a user compiled
     *  into an unpacked binary. */
    systemUsers: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/)).default([]),
    version: z
      .object({ argv: z.array(z.string()).min(1), pattern: z.string().default("([0-9][0-9A-Za-z.+~-]*)") })
      .strict(),
    features: z.array(z.string()).default([]),
    roles: z.partialRecord(Role, RoleSpec).default({}),
    /** Optional module (relative) that turns this implementation's logs into observations. */
    observer: z.string().optional(),
  })
  .strict();
export type Manifest = z.infer<typeof Manifest>;
