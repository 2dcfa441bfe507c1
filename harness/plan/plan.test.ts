import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAll } from "../cli/load-all.ts";
import { fill } from "./stacks.ts";
import { planWorlds } from "./plan.ts";
import { loadScenarioFiles } from "../load/scenarios.ts";

const repoRoot = join(import.meta.dirname, "..", "..");

describe("the plan of sequences 13-18", () => {
  const { worlds, envs } = loadAll(repoRoot, { cases: [], profile: "rfc7672" });
  const all = worlds.flatMap((w) => w.cells);
  const cells = all.filter((c) => c.sequence !== undefined);

  it("has at least 36 sequence cells, every sequence 13-18, unique ids", () => {
    expect(cells.length).toBeGreaterThanOrEqual(36);
    expect(new Set(cells.map((c) => c.sequence))).toEqual(new Set([13, 14, 15, 16, 17, 18]));
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
  });

  it("runs every sequence with its canonical roster and crosses >= 2 senders x >= 3 DNS stacks", () => {
    for (const seq of [13, 14, 15, 16, 17, 18]) {
      const mine = cells.filter((c) => c.sequence === seq);
      expect(mine.some((c) => c.canonical)).toBe(true);
      expect(new Set(mine.map((c) => c.sender.fill.impl)).size).toBeGreaterThanOrEqual(2);
      expect(new Set(mine.map((c) => c.dns.name)).size).toBeGreaterThanOrEqual(3);
    }
  });

  it("gives every case its own domain, MX host and receiver address in a world", () => {
    for (const w of worlds) {
      expect(new Set(w.cases.map((c) => c.endpointIp)).size).toBe(w.cases.length);
      expect(new Set(w.cases.map((c) => c.mxHost)).size).toBe(w.cases.length);
    }
  });

  it("gives an IPv6-only MX host's case an fd00:: receiver address, and every sender an fd00:: source", () => {
    for (const w of worlds) {
      for (const c of w.cases) expect(c.endpointIp.startsWith("fd00:0:0:100::")).toBe(c.case.mxAddress === "ipv6");
      expect(new Set(w.senders.map((s) => s.ip6)).size).toBe(w.senders.length);
    }
    expect(worlds.some((w) => w.cases.some((c) => c.case.mxAddress === "ipv6"))).toBe(true);
  });

  it("labels stand-ins and fills an external DNS product's roles from its stand-in's stack", () => {
    const manifests = new Map([...envs].map(([k, v]) => [k, v.manifest]));
    expect(fill("secure64", manifests, new Map(), "resolver")).toMatchObject({ impl: "powerdns-recursor" });
    expect(fill("secure64", manifests, new Map(), "signer")).toMatchObject({ impl: "powerdns" });
    const seq13 = cells.find((c) => c.sequence === 13 && c.canonical)!;
    expect(seq13.sender.fill.standInFor).toBe("Microsoft Exchange");
    expect(seq13.dns.authority.standInFor).toBe("Microsoft Active Directory DNS");
  });

  it("expands a varied case into every selector and matching type, twins alike", () => {
    const ids = new Set(cells.filter((c) => c.sequence === 17).map((c) => c.caseId));
    for (const s of [0, 1])
      for (const m of [0, 1, 2]) {
        expect(ids.has(`seq17/dane-ee-params-s${s}m${m}`)).toBe(true);
        expect(ids.has(`seq17/dane-ee-params-wrong-digest-s${s}m${m}`)).toBe(true);
      }
  });
});

describe("features a case requires", () => {
  it("makes a cell unsupported, with the reason, when its implementation lacks one", () => {
    const { envs } = loadAll(repoRoot, { cases: [], profile: "rfc7672" });
    const manifests = new Map([...envs].map(([k, v]) => [k, v.manifest]));
    manifests.set("exim", { ...manifests.get("exim")!, features: ["dane-ee"] }); // as if Exim had no DANE-TA
    const seq13 = loadScenarioFiles(join(repoRoot, "scenarios"))
      .map((l) => l.scenario)
      .filter((s) => s.id === "seq13");
    const cells = planWorlds(seq13, manifests, {
      profile: "rfc7672",
      mtaFilter: (names) => names.includes("exim"),
      caseFilter: (id) => id === "seq13/dane-ta-valid" || id === "seq13/pkix-ee-valid",
    }).flatMap((w) => w.cells);
    const ta = cells.filter((c) => c.caseId === "seq13/dane-ta-valid");
    expect(ta.length).toBeGreaterThan(0);
    for (const c of ta) expect(c.unsupported).toBe("unsupported: exim (mta-sender) lacks 'dane-ta'");
    for (const c of cells.filter((c) => c.caseId === "seq13/pkix-ee-valid")) expect(c.unsupported).toBeUndefined();
  });
});
