// The plan: scenarios expanded into cells (case x sender MTA x DNS stack), grouped into worlds,
// one world per DNS stack, so each stack is brought up once and serves many cells.
// Pure: a function of the loaded scenarios and manifests, with no I/O.
import type { Manifest } from "../schema/manifest.ts";
import type { Case, Expectation, Profile, Scenario } from "../schema/scenario.ts";
import {
  addr,
  addr6,
  caseLabel,
  endpointAddr,
  endpointAddr6,
  HOST_NUMBERS,
  isIpv6,
  senderAddr,
  senderAddr6,
  shadowAddr,
} from "./addressing.ts";
import { expandCases } from "./expand.ts";
import { experimentKey } from "./experiment.ts";
import { discoverSenders, discoverStacks, fill, stackName, type DnsStack, type Fill } from "./stacks.ts";

export const LAB_ZONE = "lab.test";
export const REMOTE_ZONE = "remote.test";

export interface SitePlan {
  name: "lab" | "remote";
  zone: string;
  resolverIp: string;
  authorityIp: string;
  authorityHost: string;
  mtaIp: string;
  mtaHost: string;
}

export interface SenderPlan {
  fill: Fill; // e.g. { name: "exchange", impl: "postfix", standInFor: "Microsoft Exchange" }
  ip: string;
  /** Its source address towards an MX host that has only an IPv6 address. */
  ip6: string;
  host: string;
  /** The control sender of the attack cases: the same MTA with opportunistic TLS, no DANE. */
  control?: boolean;
}

export interface CasePlan {
  /** The first case that needs this experiment; identical cases of other sequences share it. */
  case: Case;
  scenarioId: string;
  sequence?: number;
  receiverCertificate: Scenario["receiverCertificate"];
  /** The case's own mail domain, MX host and receiver address under the remote zone. */
  domain: string;
  mxHost: string;
  /** The receiver address the MX host resolves to: IPv6 when the case says `mxAddress: ipv6`. */
  endpointIp: string;
  /** With a backup MX: its host name and receiver address. */
  backupMxHost?: string;
  backupIp?: string;
  /** With an attack: the attacker holds endpointIp; the real receiver listens here. */
  upstreamIp?: string;
}

export interface StackFills {
  name: string; // as the roster names it, e.g. "ad-dns" or "nsd+unbound+opendnssec"
  authority: Fill;
  resolver: Fill;
  signer: Fill;
}

export interface CellPlan {
  id: string; // "<case id>@<sender>/<dns stack>", stable
  caseId: string;
  scenarioId: string;
  sequence?: number;
  case: Case;
  casePlan: CasePlan;
  sender: SenderPlan;
  dns: StackFills;
  mua?: Fill;
  canonical: boolean; // the guide's own roster for this sequence
  /** Another cell of this world is the same experiment (same case plan, same sender): this cell
   *  is not run again; it takes that cell's observation and is judged on its own expectation. */
  sameAs?: string;
  /** Why this roster cannot do the case (a required feature its manifest does not declare). */
  unsupported?: string;
  profile: Profile;
  expectation: Expectation;
  from: string;
  recipient: string;
}

export interface WorldPlan {
  id: string;
  stack: DnsStack; // what runs
  receiver: { mta: string; mda: string };
  mua?: Fill;
  scenarioIds: string[];
  rootServerIp: string;
  rootServerHost: string;
  muaIp: string;
  /** The mail client's IPv6 address: its cleartext canary may go to an IPv6-only MX host. */
  muaIp6: string;
  lab: SitePlan;
  remote: SitePlan;
  senders: SenderPlan[];
  cases: CasePlan[];
  cells: CellPlan[];
}

export interface PlanOptions {
  profile: Profile;
  caseFilter?: (caseId: string) => boolean;
  mtaFilter?: (names: string[]) => boolean;
  dnsFilter?: (names: string[]) => boolean;
  bindings?: Map<string, string>;
  /** Run identical experiments of different sequences separately (--separate). */
  separate?: boolean;
}

export function expectationFor(c: Case, profile: Profile): Expectation {
  return c.expect[profile] ?? c.expect.rfc7672;
}

function site(name: "lab" | "remote", zone: string, n: { resolver: number; authority: number; mta: number }): SitePlan {
  return {
    name,
    zone,
    resolverIp: addr(n.resolver),
    authorityIp: addr(n.authority),
    authorityHost: `ns.${zone}`,
    mtaIp: addr(n.mta),
    mtaHost: `mta.${zone}`,
  };
}

interface Pairing {
  scenario: Scenario;
  cases: Case[];
  sender: Fill;
  dns: StackFills;
  concrete: DnsStack;
  canonical: boolean;
}

function pairings(s: Scenario, manifests: Map<string, Manifest>, opts: PlanOptions): Pairing[] {
  const b = opts.bindings;
  const lab = s.roster.lab;
  const canonicalDns: StackFills = {
    name: [...new Set([lab.authority, lab.resolver, lab.signer])].join("+"),
    authority: fill(lab.authority, manifests, b, "authority"),
    resolver: fill(lab.resolver, manifests, b, "resolver"),
    signer: fill(lab.signer, manifests, b, "signer"),
  };
  const dnsChoices: StackFills[] = [canonicalDns];
  if (s.variants.dns)
    for (const st of discoverStacks(manifests))
      if (!dnsChoices.some((d) => d.name === st.name))
        dnsChoices.push({
          name: st.name,
          authority: fill(st.authority, manifests),
          resolver: fill(st.resolver, manifests),
          signer: fill(st.signer, manifests),
        });
  const senderChoices: Fill[] = [fill(lab["mta-sender"], manifests, b)];
  if (s.variants["mta-sender"])
    for (const name of discoverSenders(manifests))
      if (!senderChoices.some((f) => f.name === name)) senderChoices.push(fill(name, manifests));
  const cases = expandCases(s.cases).filter((c) => opts.caseFilter?.(c.id) ?? true);
  const out: Pairing[] = [];
  for (const dns of dnsChoices) {
    if (opts.dnsFilter && !opts.dnsFilter([dns.name, dns.authority.impl, dns.resolver.impl, dns.signer.impl])) continue;
    const concrete = { authority: dns.authority.impl, resolver: dns.resolver.impl, signer: dns.signer.impl };
    for (const sender of senderChoices) {
      if (opts.mtaFilter && !opts.mtaFilter([sender.name, sender.impl])) continue;
      out.push({
        scenario: s,
        cases,
        sender,
        dns,
        concrete: { name: stackName(concrete), ...concrete },
        canonical: dns === canonicalDns && sender === senderChoices[0],
      });
    }
  }
  return out;
}

/** A case's `requires` against the features the filling implementations declare. */
export function missingFeatures(
  c: Case,
  fills: Partial<Record<string, Fill>>,
  manifests: Map<string, Manifest>,
): string | undefined {
  const missing: string[] = [];
  for (const [role, features] of Object.entries(c.requires ?? {})) {
    const f = fills[role];
    const have = f ? (manifests.get(f.impl)?.features ?? []) : [];
    for (const feature of features ?? [])
      if (!have.includes(feature)) missing.push(`${f?.impl ?? role} (${role}) lacks '${feature}'`);
  }
  return missing.length ? `unsupported: ${missing.join("; ")}` : undefined;
}

export function planWorlds(scenarios: Scenario[], manifests: Map<string, Manifest>, opts: PlanOptions): WorldPlan[] {
  const groups = new Map<string, Pairing[]>();
  for (const s of scenarios)
    for (const p of pairings(s, manifests, opts)) {
      if (p.cases.length === 0) continue;
      const mua = s.roster.lab.mua ? fill(s.roster.lab.mua, manifests, opts.bindings).impl : null;
      const key = JSON.stringify([p.concrete.name, s.roster.remote, mua]);
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
  const worlds: WorldPlan[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const senders: SenderPlan[] = [];
    const cases: CasePlan[] = [];
    /** Case plans by experimentKey() (by case id with --separate). */
    const caseOf = new Map<string, CasePlan>();
    const cells: CellPlan[] = [];
    for (const p of group) {
      const senderFor = (control: boolean): SenderPlan => {
        const name = control ? `${p.sender.name}-control` : p.sender.name;
        let s = senders.find((x) => x.fill.name === p.sender.name && !!x.control === control);
        if (!s) {
          s = {
            fill: p.sender,
            ip: senderAddr(senders.length),
            ip6: senderAddr6(senders.length),
            host: `${name}.${LAB_ZONE}`,
            ...(control ? { control } : {}),
          };
          senders.push(s);
        }
        return s;
      };
      for (const c of p.cases) {
        const experiment = opts.separate ? c.id : experimentKey(c, p.scenario.receiverCertificate);
        for (const control of c.attack ? [false, true] : [false]) {
          const sender = senderFor(control);
          let cp = caseOf.get(experiment);
          if (!cp) {
            const domain = `${caseLabel(c.id)}.${REMOTE_ZONE}`;
            const v4 = cases.filter((x) => !isIpv6(x.endpointIp)).length + cases.filter((x) => x.backupIp).length;
            cp = {
              case: c,
              scenarioId: p.scenario.id,
              sequence: p.scenario.sequence,
              receiverCertificate: p.scenario.receiverCertificate,
              domain,
              mxHost: `mx.${domain}`,
              endpointIp:
                c.mxAddress === "ipv6"
                  ? endpointAddr6(cases.filter((x) => isIpv6(x.endpointIp)).length)
                  : endpointAddr(v4),
              ...(c.backupMx
                ? {
                    backupMxHost: `mx2.${domain}`,
                    backupIp: endpointAddr(v4 + 1),
                  }
                : {}),
              ...(c.attack ? { upstreamIp: shadowAddr(cases.filter((x) => x.upstreamIp).length) } : {}),
            };
            cases.push(cp);
            caseOf.set(experiment, cp);
          }
          const id = `${c.id}@${control ? `${p.sender.name}-control` : p.sender.name}/${p.dns.name}`;
          const observedBy = opts.separate
            ? undefined
            : cells.find((x) => x.casePlan === cp && x.sender === sender && !x.sameAs && x.id !== id);
          cells.push({
            id,
            ...(observedBy ? { sameAs: observedBy.id } : {}),
            caseId: c.id,
            scenarioId: p.scenario.id,
            sequence: p.scenario.sequence,
            case: c,
            casePlan: cp,
            sender,
            dns: p.dns,
            mua: p.scenario.roster.lab.mua ? fill(p.scenario.roster.lab.mua, manifests, opts.bindings) : undefined,
            canonical: p.canonical,
            unsupported: missingFeatures(
              c,
              { "mta-sender": sender.fill, authority: p.dns.authority, resolver: p.dns.resolver, signer: p.dns.signer },
              manifests,
            ),
            profile: opts.profile,
            expectation: control ? (c.control ?? expectationFor(c, opts.profile)) : expectationFor(c, opts.profile),
            from: `alice@${sender.host}`,
            recipient: `bob@${cp.domain}`,
          });
        }
      }
    }
    const lab = site("lab", LAB_ZONE, HOST_NUMBERS.lab);
    lab.mtaIp = senders[0]!.ip;
    worlds.push({
      id: `w${worlds.length + 1}-${first.concrete.name.replace(/\+/g, "-")}`,
      stack: first.concrete,
      receiver: { mta: first.scenario.roster.remote["mta-receiver"], mda: first.scenario.roster.remote.mda },
      mua: first.scenario.roster.lab.mua ? fill(first.scenario.roster.lab.mua, manifests, opts.bindings) : undefined,
      scenarioIds: [...new Set(group.map((p) => p.scenario.id))],
      rootServerIp: addr(HOST_NUMBERS.rootServer),
      rootServerHost: "ns.nic.test",
      muaIp: addr(HOST_NUMBERS.mua),
      muaIp6: addr6(HOST_NUMBERS.mua),
      lab,
      remote: site("remote", REMOTE_ZONE, HOST_NUMBERS.remote),
      senders,
      cases,
      cells,
    });
  }
  return worlds;
}
