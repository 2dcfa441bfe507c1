// Which daemons a world runs, where, and the render context each one's templates see. Pure.
import { join } from "node:path";
import type { WorldPlan, SitePlan } from "../plan/plan.ts";
import { WORLD_SUBNET } from "../plan/addressing.ts";
import type { Role } from "../schema/scenario.ts";
import type { Context } from "./template.ts";

export type HostName = "root" | "lab" | "remote" | "mua";

export interface Instance {
  key: string; // e.g. "remote/postfix-mta-receiver"
  host: HostName;
  impl: string;
  role: Role;
  dir: string;
  context: Context;
}

export interface WorldPaths {
  repoRoot: string;
  worldDir: string;
  /** A short folder for Unix sockets (their paths may not exceed 107 bytes). */
  socketsDir: string;
  tlsCert: string;
  tlsKey: string;
  zonesDir: string; // signed zone files, named <zone>.zone.signed ("root" for ".")
  trustAnchorFile: string;
  rootHintsFile: string;
  imapPassword: string;
  smtpTlsSecurityLevel: string; // "dane" normally; "may" is the deliberately weakened sender
}

function instance(host: HostName, impl: string, role: Role, paths: WorldPaths, ctx: Context): Instance {
  const dir = join(paths.worldDir, "hosts", host, `${impl}-${role}`);
  const sockDir = join(paths.socketsDir, `${host}-${role}`);
  return {
    key: `${host}/${impl}-${role}`,
    host,
    impl,
    role,
    dir,
    context: { ...ctx, dir, sockDir, instance: `${host}-${impl}-${role}` },
  };
}

export function signedZoneFile(p: Pick<WorldPaths, "zonesDir">, zone: string): string {
  return join(p.zonesDir, `${zone === "." ? "root" : zone}.zone.signed`);
}

function siteContext(s: SitePlan) {
  return { zone: s.zone, resolverIp: s.resolverIp, authorityIp: s.authorityIp, mtaIp: s.mtaIp, mtaHost: s.mtaHost };
}

export function worldInstances(w: WorldPlan, p: WorldPaths): Instance[] {
  const world = { subnet: WORLD_SUBNET, rootServerIp: w.rootServerIp, rootServerHost: w.rootServerHost };
  const base = { world, repoRoot: p.repoRoot };
  const out: Instance[] = [];
  // The root operator's server: "." and "test." on one authority (the remote site's authority software).
  out.push(
    instance("root", w.remote.roster.authority, "authority", p, {
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
    const r = s.roster;
    out.push(
      instance(s.name, r.authority, "authority", p, {
        ...base,
        site,
        ip: s.authorityIp,
        probeZone: `${s.zone}.`,
        zones: [{ name: `${s.zone}.`, file: signedZoneFile(p, s.zone) }],
      }),
    );
    out.push(
      instance(s.name, r.resolver, "resolver", p, {
        ...base,
        site,
        ip: s.resolverIp,
        trustAnchorFile: p.trustAnchorFile,
        rootHintsFile: p.rootHintsFile,
      }),
    );
    if (r["mta-sender"])
      out.push(
        instance(s.name, r["mta-sender"], "mta-sender", p, {
          ...base,
          site,
          ip: s.mtaIp,
          smtpTlsSecurityLevel: p.smtpTlsSecurityLevel,
        }),
      );
    const lmtp = { host: "127.0.0.1", port: 24 };
    if (r["mta-receiver"])
      out.push(
        instance(s.name, r["mta-receiver"], "mta-receiver", p, {
          ...base,
          site,
          ip: s.mtaIp,
          lmtp,
          tls: { cert: p.tlsCert, key: p.tlsKey },
          mailDomains: w.cells.map((c) => c.domain).join(" ") || s.zone,
        }),
      );
    if (r.mda)
      out.push(instance(s.name, r.mda, "mda", p, { ...base, site, ip: s.mtaIp, lmtp, imapPassword: p.imapPassword }));
  }
  if (w.lab.roster.mua) out.push(instance("mua", w.lab.roster.mua, "mua", p, { ...base, ip: w.muaIp }));
  return out;
}

/** Start order: authorities (and the mail client, which needs nothing and is slowest to start),
 *  then resolvers, then mail delivery, then the MTAs. */
export const START_ORDER: Role[][] = [["authority", "mua"], ["resolver"], ["mda"], ["mta-receiver", "mta-sender"]];
