// docker-compose.yml is the docker driver's topology, so it must agree with the plan: each host's
// service sits at the plan's first address for that host, its /etc/hosts names it, and its
// resolv.conf names the plan's resolver with trust-ad (or none); each host has its -unroute
// service; the attacker is in profile "attack" only; the network is internal, on the world subnet,
// with a gateway no host holds. Reads files only: runs anywhere.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadAll } from "../../cli/load-all.ts";
import { WORLD_SUBNET } from "../../plan/addressing.ts";
import { BASE_HOSTS, bridgeName, COMPOSE_DIR, COMPOSE_FILE, projectName } from "./compose.ts";
import { hostSpecs } from "./hosts.ts";

const repoRoot = join(import.meta.dirname, "..", "..", "..");

interface Service {
  profiles?: string[];
  networks?: { world: { ipv4_address: string } };
  network_mode?: string;
  volumes?: string[];
  cap_add?: string[];
}
interface ComposeFile {
  services: Record<string, Service>;
  networks: { world: { internal: boolean; ipam: { config: Array<{ subnet: string; gateway: string }> } } };
}

const compose = parse(readFileSync(join(COMPOSE_DIR, COMPOSE_FILE), "utf8"), { merge: true }) as ComposeFile;

/** The committed file mounted at `target` in a service (a ./etc/ path, relative to the compose file). */
function mounted(svc: Service, target: string): string {
  const v = svc.volumes?.find((m) => m.split(":")[1] === target);
  if (!v) throw new Error(`nothing mounted at ${target}`);
  return readFileSync(join(COMPOSE_DIR, v.split(":")[0]!), "utf8");
}

describe("docker-compose.yml", () => {
  // Sequence 17 and the attack catalogue: every host kind, the attacker included.
  const { worlds } = loadAll(repoRoot, { sequences: [17], catalogues: ["attacks"], cases: [], profile: "rfc7672" });

  it("puts every host of the plan at its first address, with its hosts file and resolver", () => {
    const seen = new Set<string>();
    for (const w of worlds)
      for (const h of hostSpecs(w)) {
        seen.add(h.host);
        const svc = compose.services[h.host]!;
        expect(svc.networks?.world.ipv4_address).toBe(h.addresses[0]);
        expect(mounted(svc, "/etc/hosts")).toContain(`\n${h.addresses[0]} ${h.host}\n`);
        const resolv = mounted(svc, "/etc/resolv.conf");
        const servers = [...resolv.matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1]);
        expect(servers).toEqual(h.resolver ? [h.resolver] : []);
        if (h.resolver) expect(resolv).toMatch(/^options .*\btrust-ad\b/m);
      }
    expect([...seen].sort()).toEqual([...BASE_HOSTS, "attacker"].sort());
  });

  it("has an -unroute service per host, the attacker's only in profile attack, and nothing else", () => {
    const hosts = [...BASE_HOSTS, "attacker"];
    expect(Object.keys(compose.services).sort()).toEqual([...hosts, ...hosts.map((h) => `${h}-unroute`)].sort());
    for (const h of hosts) {
      const unroute = compose.services[`${h}-unroute`]!;
      expect(unroute.network_mode).toBe(`service:${h}`);
      expect(unroute.cap_add).toEqual(["NET_ADMIN"]);
      expect(compose.services[h]!.cap_add).toBeUndefined(); // the hosts themselves get no NET_ADMIN
      const profiles = h === "attacker" ? ["attack"] : undefined;
      expect(compose.services[h]!.profiles).toEqual(profiles);
      expect(unroute.profiles).toEqual(profiles);
    }
  });

  it("has an internal network on the world subnet whose gateway no host holds", () => {
    const net = compose.networks.world;
    expect(net.internal).toBe(true);
    const [ipam] = net.ipam.config;
    expect(ipam?.subnet).toBe(WORLD_SUBNET);
    const taken = new Set(worlds.flatMap((w) => hostSpecs(w).flatMap((h) => h.addresses)));
    expect(taken.has(ipam!.gateway)).toBe(false);
  });

  it("names projects and bridges as compose and Linux allow", () => {
    expect(projectName("1a2b3c", "w12-Knot+Unbound.x")).toBe("nc-1a2b3c-w12-knot-unbound-x");
    expect(bridgeName("1a2b3c", "w12-knot")).toBe("nc1a2b3cb12");
    expect(bridgeName("1a2b3c", "w12345-knot").length).toBeLessThanOrEqual(15);
  });
});
