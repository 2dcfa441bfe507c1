// What can fill which role, discovered from the manifests: a new folder joins the matrix.
// Pure: works on the loaded manifests only.
import type { Manifest } from "../schema/manifest.ts";

export interface DnsStack {
  name: string; // e.g. "nsd+unbound+opendnssec", "bind"
  authority: string;
  resolver: string;
  signer: string;
}

/** A filled role: the concrete implementation that runs, and the product it stands in for. */
export interface Fill {
  name: string; // what the roster named (may be external, e.g. "exchange")
  impl: string; // what runs (e.g. "postfix")
  standInFor?: string;
  /** Set when a bindings file chose the implementation that plays an external product. */
  bound?: boolean;
}

export function stackName(s: Omit<DnsStack, "name">): string {
  return [...new Set([s.authority, s.resolver, s.signer])].join("+");
}

/** Every implementation that fills `authority` leads a stack, with its declared partners. */
export function discoverStacks(manifests: Map<string, Manifest>): DnsStack[] {
  const stacks: DnsStack[] = [];
  for (const m of manifests.values()) {
    if (m.kind === "external" || !m.variant || !m.roles.authority) continue;
    const resolver = m.roles.resolver ? m.name : m.stack?.resolver;
    const signer = m.roles.signer ? m.name : m.stack?.signer;
    if (!resolver || !signer) continue;
    const s = { authority: m.name, resolver, signer };
    stacks.push({ name: stackName(s), ...s });
  }
  return stacks;
}

export function discoverSenders(manifests: Map<string, Manifest>): string[] {
  return [...manifests.values()]
    .filter((m) => m.kind !== "external" && m.variant && m.roles["mta-sender"])
    .map((m) => m.name);
}

/** Resolve a roster entry for a role: an external product is filled by its stand-in (unless
 *  bound); when the stand-in does not fill that role itself, by the partner its stack names. */
export function fill(
  name: string,
  manifests: Map<string, Manifest>,
  bindings: Map<string, string> = new Map(),
  role?: "authority" | "resolver" | "signer",
): Fill {
  const m = manifests.get(name);
  if (!m) throw new Error(`no implementation '${name}'`);
  if (m.kind !== "external") return { name, impl: name, ...(m.standInFor ? { standInFor: m.standInFor } : {}) };
  const bound = bindings.get(name);
  if (bound) return { name, impl: bound, bound: true };
  if (!m.standIn) throw new Error(`external '${name}' has no stand-in and no binding`);
  const standIn = manifests.get(m.standIn);
  const partner = role && standIn && !standIn.roles[role] && role !== "authority" ? standIn.stack?.[role] : undefined;
  return { name, impl: partner ?? m.standIn, standInFor: m.title };
}
