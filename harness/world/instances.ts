// Which daemons a world runs, where, and the render context each one's templates see. Pure.
import { join } from "node:path";
import type { SenderPlan, SitePlan, WorldPlan } from "../plan/plan.ts";
import { WORLD_SUBNET } from "../plan/addressing.ts";
import type { Role } from "../schema/scenario.ts";
import type { Context } from "./template.ts";
import { servedCaseZones } from "./case-zones.ts";
import { hasOwnZone } from "./world-files.ts";
import { smimeServedZones } from "./smime-zones.ts";
import { bundleDir } from "../os/bundle.ts";

export type HostName = "root" | "lab" | "remote" | "mua" | "attacker";

export interface Instance {
  key: string; // e.g. "remote/postfix-mta-receiver", "lab/exim-mta-sender"
  host: HostName;
  name: string; // the roster's name for it (e.g. "exchange")
  impl: string; // what runs (e.g. "postfix")
  role: Role;
  dir: string;
  context: Context;
  sender?: SenderPlan;
}

export interface WorldPaths {
  repoRoot: string;
  worldDir: string;
  /** A short folder for Unix sockets (their paths may not exceed 107 bytes). */
  socketsDir: string;
  zonesDir: string; // signed zone files, named <zone>.zone.signed ("root" for ".")
  trustAnchorFile: string;
  rootHintsFile: string;
  caFile: string; // the remote site's local CA root, trusted by the lab's MTAs
  submissionPemFile: string; // the lab MTAs' certificate on the submission port (587)
  receiverPemFile: string; // the receiving MTA's own certificate (its host name)
  endpoints: { ip: string; pemFile: string; names: string[] }[]; // one receiver address and certificate per case
  imapPassword: string;
  smtpTlsSecurityLevel: string; // "dane" normally; "may" is the deliberately weakened sender
}

export function signedZoneFile(p: Pick<WorldPaths, "zonesDir">, zone: string): string {
  return join(p.zonesDir, `${zone === "." ? "root" : zone}.zone.signed`);
}

function instance(host: HostName, name: string, impl: string, role: Role, paths: WorldPaths, ctx: Context): Instance {
  const dir = join(paths.worldDir, "hosts", host, `${name}-${role}`);
  const sockDir = join(paths.socketsDir, `${host}-${name}-${role}`);
  return {
    key: `${host}/${name}-${role}`,
    host,
    name,
    impl,
    role,
    dir,
    context: { ...ctx, dir, sockDir, instance: `${host}-${name}-${role}` },
  };
}

function siteContext(s: SitePlan) {
  return { zone: s.zone, resolverIp: s.resolverIp, authorityIp: s.authorityIp, mtaIp: s.mtaIp, mtaHost: s.mtaHost };
}

/** Where a site's Dovecot answers SASL authentication requests (Postfix's smtpd_sasl_path). */
const LAB_AUTH = { host: "127.0.0.1", port: 12345 };

export function worldInstances(w: WorldPlan, p: WorldPaths): Instance[] {
  const world = { subnet: WORLD_SUBNET, rootServerIp: w.rootServerIp, rootServerHost: w.rootServerHost };
  const base = { world, repoRoot: p.repoRoot, bundleDir: bundleDir(p.repoRoot) };
  const st = w.stack;
  const out: Instance[] = [];
  // The root operator's server: "." and "test." on the world's authority software.
  out.push(
    instance("root", st.authority, st.authority, "authority", p, {
      ...base,
      ip: w.rootServerIp,
      probeZone: "test.",
      zones: [
        { name: ".", file: signedZoneFile(p, ".") },
        { name: "test.", file: signedZoneFile(p, "test") },
      ],
    }),
  );
  for (const s of [w.lab, w.remote]) {
    const site = siteContext(s);
    out.push(
      instance(s.name, st.authority, st.authority, "authority", p, {
        ...base,
        site,
        ip: s.authorityIp,
        probeZone: `${s.zone}.`,
        zones: [
          { name: `${s.zone}.`, file: signedZoneFile(p, s.zone) },
          // The remote authority also serves the DNS-fault cases' own zones (a broken file
          // included, which it cannot load).
          ...(s.name === "remote"
            ? w.cases
                .filter(hasOwnZone)
                .flatMap((c) => servedCaseZones(w, c))
                .map((z) => ({ name: `${z}.`, file: signedZoneFile(p, z) }))
            : []),
          // ...and each site the child zones that hold the S/MIME cases' SMIMEA records.
          ...smimeServedZones(w)[s.name].map((z) => ({ name: `${z}.`, file: signedZoneFile(p, z) })),
        ],
      }),
    );
    out.push(
      instance(s.name, st.resolver, st.resolver, "resolver", p, {
        ...base,
        site,
        ip: s.resolverIp,
        trustAnchorFile: p.trustAnchorFile,
        rootHintsFile: p.rootHintsFile,
      }),
    );
  }
  const lab = siteContext(w.lab);
  for (const sender of w.senders) {
    const inst = instance(
      "lab",
      sender.control ? `${sender.fill.name}-control` : sender.fill.name,
      sender.fill.impl,
      "mta-sender",
      p,
      {
        ...base,
        site: { ...lab, mtaIp: sender.ip, mtaHost: sender.host },
        ip: sender.ip,
        // Its source address towards an MX host that has only an IPv6 address.
        ip6: sender.ip6,
        // The attack catalogue's control sender: the same MTA with opportunistic TLS, no DANE.
        smtpTlsSecurityLevel: sender.control ? "may" : p.smtpTlsSecurityLevel,
        caFile: p.caFile,
        // Authenticated submission (587, STARTTLS): the lab's Dovecot checks the passwords.
        submission: { pemFile: p.submissionPemFile, auth: LAB_AUTH },
      },
    );
    out.push({ ...inst, sender });
  }
  const lmtp = { host: "127.0.0.1", port: 24 };
  // The lab's own Dovecot (the guide's lab is Postfix+Dovecot): it authenticates the mail
  // client's submission for the lab MTAs, and holds the lab users' mailboxes.
  out.push(
    instance("lab", w.receiver.mda, w.receiver.mda, "mda", p, {
      ...base,
      site: lab,
      ip: w.lab.mtaIp,
      lmtp,
      auth: LAB_AUTH,
      imapPassword: p.imapPassword,
    }),
  );
  const remote = siteContext(w.remote);
  out.push(
    instance("remote", w.receiver.mta, w.receiver.mta, "mta-receiver", p, {
      ...base,
      site: remote,
      ip: w.remote.mtaIp,
      lmtp,
      tls: { pemFile: p.receiverPemFile },
      endpoints: p.endpoints,
      // The certificate chain for each name a sender asks for (TLS SNI).
      sni: p.endpoints.flatMap((e) => e.names.map((name) => ({ name, pemFile: e.pemFile }))),
      mailDomains: w.cases.map((c) => c.domain).join(" ") || w.remote.zone,
    }),
  );
  out.push(
    instance("remote", w.receiver.mda, w.receiver.mda, "mda", p, {
      ...base,
      site: remote,
      ip: w.remote.mtaIp,
      lmtp,
      auth: LAB_AUTH,
      imapPassword: p.imapPassword,
    }),
  );
  if (w.mua) out.push(instance("mua", w.mua.name, w.mua.impl, "mua", p, { ...base, ip: w.muaIp }));
  return out;
}
