import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAll } from "../cli/load-all.ts";
import { fill } from "./stacks.ts";

const repoRoot = join(import.meta.dirname, "..", "..");

describe("the plan of sequences 13-18", () => {
  const { worlds, envs } = loadAll(repoRoot, { cases: [], profile: "rfc7672" });
  const cells = worlds.flatMap((w) => w.cells);

  it("has at least 36 sequence cells, every sequence 13-18, unique ids", () => {
    expect(cells.length).toBeGreaterThanOrEqual(36);
    expect(new Set(cells.map((c) => c.sequence))).toEqual(new Set([13, 14, 15, 16, 17, 18]));
    expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
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
