// Deterministic names and addresses for a world. Hosts sit in 192.0.2.0/24 (TEST-NET-1); each
// case's receiver address comes from 198.51.100.0/24, then 203.0.113.0/24 (TEST-NET-2 and -3,
// RFC 5737). The cases whose MX host has only an IPv6 address get one from fd00:0:0:100::/64,
// and the sending MTAs send to them from fd00:0:0:2::/64 (unique local, RFC 4193). All are on
// one bridge; nothing the harness makes ever points elsewhere.
export const WORLD_SUBNET = "192.0.2.0/24";
export const WORLD_PREFIX_LEN = 24;
export const ENDPOINT_SUBNETS = ["198.51.100.0/24", "203.0.113.0/24"];
export const WORLD_SUBNET6 = "fd00:0:0:2::/64";
export const ENDPOINT_SUBNET6 = "fd00:0:0:100::/64";
/** Every prefix a case's receiver address comes from, IPv4 and IPv6. */
export const ALL_ENDPOINT_SUBNETS = [...ENDPOINT_SUBNETS, ENDPOINT_SUBNET6];

/** Fixed host numbers inside the world subnet. Every world has its own namespaces, so worlds reuse them. */
export const HOST_NUMBERS = {
  rootServer: 2,
  lab: { resolver: 10, authority: 11, mta: 12 },
  remote: { resolver: 20, authority: 21, mta: 22 },
  mua: 30,
  attacker: 40, // the docker driver's own address for the attacker container
} as const;

/** An address on the world's link that no host holds: a zone delegated there gets no answer
 *  (the "authority not answering" fault). Nothing is ever sent beyond the world's bridge. */
export const SILENT_ADDR = "192.0.2.53";

export const MAX_SENDERS = 8; // 192.0.2.12 .. 192.0.2.19
export const MAX_CASES_PER_WORLD = 253 + 128; // 198.51.100.1-253, then 203.0.113.1-128
export const MAX_ATTACK_CASES = 126; // the real receiver behind an attacker: 203.0.113.129-254

export function addr(n: number): string {
  if (n < 1 || n > 254) throw new Error(`host number ${n} outside 1..254`);
  return `192.0.2.${n}`;
}

export function senderAddr(index: number): string {
  if (index >= MAX_SENDERS) throw new Error(`more than ${MAX_SENDERS} sender MTAs in one world`);
  return addr(HOST_NUMBERS.lab.mta + index);
}

/** A host's IPv6 address: its IPv4 host number, written in the last group. */
export const addr6 = (n: number): string => `fd00:0:0:2::${n}`;

/** A sending MTA's IPv6 source address. */
export function senderAddr6(index: number): string {
  if (index >= MAX_SENDERS) throw new Error(`more than ${MAX_SENDERS} sender MTAs in one world`);
  return addr6(HOST_NUMBERS.lab.mta + index);
}

export const MAX_IPV6_CASES = 0xfffe;

/** The receiver address of the i-th case of a world whose MX host has only an IPv6 address. */
export function endpointAddr6(index: number): string {
  if (index >= MAX_IPV6_CASES) throw new Error(`more than ${MAX_IPV6_CASES} IPv6 cases in one world`);
  return `fd00:0:0:100::${(index + 1).toString(16)}`;
}

export const isIpv6 = (ip: string): boolean => ip.includes(":");

/** The DNS record type that holds this address. */
export const addressRecordType = (ip: string): "A" | "AAAA" => (isIpv6(ip) ? "AAAA" : "A");

/** An address with its prefix length on the world's link. */
export const onLink = (ip: string): string => `${ip}/${isIpv6(ip) ? 64 : WORLD_PREFIX_LEN}`;

/** One text per address (RFC 5952 for IPv6, as the WHATWG URL parser writes it), so that an
 *  address from a plan and one read off the wire compare equal. */
export function canonicalIp(ip: string): string {
  return isIpv6(ip) ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

/** The receiver address of the i-th case of a world. */
export function endpointAddr(index: number): string {
  if (index >= MAX_CASES_PER_WORLD) throw new Error(`more than ${MAX_CASES_PER_WORLD} cases in one world`);
  return index < 253 ? `198.51.100.${index + 1}` : `203.0.113.${index - 253 + 1}`;
}

/** Where the real receiver listens for the i-th attack case (the attacker took endpointAddr). */
export function shadowAddr(index: number): string {
  if (index >= MAX_ATTACK_CASES) throw new Error(`more than ${MAX_ATTACK_CASES} attack cases in one world`);
  return `203.0.113.${129 + index}`;
}

/** A mail domain per case, named after the case as NIST's tester named its hosts. */
export function caseLabel(caseId: string): string {
  return caseId
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}
