// Deterministic names and addresses for a world. Everything sits in 192.0.2.0/24
// (TEST-NET-1, RFC 5737); nothing the harness makes ever points elsewhere.
export const WORLD_SUBNET = "192.0.2.0/24";
export const WORLD_PREFIX_LEN = 24;

/** Fixed host numbers inside the world subnet. One world has its own namespaces, so worlds may reuse them. */
export const HOST_NUMBERS = {
  rootServer: 2,
  lab: { resolver: 10, authority: 11, mta: 12 },
  remote: { resolver: 20, authority: 21, mta: 22 },
  mua: 30,
} as const;

export function addr(n: number): string {
  if (n < 1 || n > 254) throw new Error(`host number ${n} outside 1..254`);
  return `192.0.2.${n}`;
}

/** A mail domain per case, named after the case as NIST's tester named its hosts. */
export function caseLabel(caseId: string): string {
  return caseId
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}
