import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAll } from "../cli/load-all.ts";
import { SILENT_ADDR } from "../plan/addressing.ts";
import { caseNames, caseZones, flattenZones, servedCaseZones, type CaseZone } from "./case-zones.ts";

const repoRoot = join(import.meta.dirname, "..", "..");
const { worlds } = loadAll(repoRoot, { cases: ["dns-faults/*"], profile: "rfc7672", dns: ["bind"], mta: ["postfix"] });
const w = worlds[0]!;

function zonesOf(id: string): CaseZone[] {
  const cp = w.cases.find((c) => c.case.id === `dns-faults/${id}`)!;
  // As the PKI makes them: a record per spec of the case.
  const tlsa = new Map([
    [cp.case.id, cp.case.tlsa.map(() => ({ usage: 3, selector: 1, matching: 1, data: "AA" }))],
    [`${cp.case.id}#original`, [{ usage: 3, selector: 1, matching: 1, data: "BB" }]],
  ]);
  return flattenZones(caseZones(w, cp, tlsa, 7));
}
const d = (id: string) => `dns-faults-${id}.remote.test`;
/** The zone holding a record of this owner and type, and its data. */
function find(zones: CaseZone[], owner: string, type: string): { zone: string; data: string } | undefined {
  for (const z of zones)
    for (const l of z.text.split("\n")) {
      const f = l.split(" ");
      if (f[0] === `${owner}.` && f[3] === type) return { zone: z.zone, data: f.slice(4).join(" ") };
    }
  return undefined;
}

describe("a DNS-fault case's own zones", () => {
  it("the plain layout: one signed zone with MX, A and TLSA, served by the remote authority", () => {
    const z = zonesOf("valid-child");
    expect(z.map((x) => [x.zone, x.signed, x.served])).toEqual([[d("valid-child"), true, "served"]]);
    expect(find(z, d("valid-child"), "MX")?.data).toBe(`10 mx.${d("valid-child")}.`);
    expect(find(z, `_25._tcp.mx.${d("valid-child")}`, "TLSA")?.data).toBe("3 1 1 AA");
  });

  it("gives an IPv6-only MX host an AAAA record in fd00::/8 and no A record", () => {
    const z = zonesOf("valid-child-ipv6");
    expect(find(z, `mx.${d("valid-child-ipv6")}`, "A")).toBeUndefined();
    expect(find(z, `mx.${d("valid-child-ipv6")}`, "AAAA")?.data).toMatch(/^fd00:0:0:100::[0-9a-f]+$/);
    expect(zonesOf("aaaa-missing-rrsig")[0]!.fault).toBe("aaaa-missing-rrsig");
  });

  it("keeps a signature or DS fault on the mail domain's zone", () => {
    expect(zonesOf("a-expired-rrsig")[0]!.fault).toBe("a-expired-rrsig");
    expect(zonesOf("ds-wrong-digest")[0]!.fault).toBe("ds-wrong-digest");
  });

  it("puts the MX host, its A and its TLSA in an unsigned zone delegated from the signed domain", () => {
    const z = zonesOf("mx-host-unsigned-zone");
    const mx = `mx.${d("mx-host-unsigned-zone")}`;
    expect(z.map((x) => [x.zone, x.signed])).toEqual([
      [d("mx-host-unsigned-zone"), true],
      [mx, false],
    ]);
    expect(find(z, mx, "NS")?.zone).toBe(d("mx-host-unsigned-zone")); // the delegation
    expect(find(z, mx, "A")?.zone).toBe(mx);
    expect(find(z, `_25._tcp.${mx}`, "TLSA")?.zone).toBe(mx);
  });

  it("puts only the TLSA in an unsigned _tcp zone, the A staying signed", () => {
    const z = zonesOf("tlsa-unsigned-zone");
    const mx = `mx.${d("tlsa-unsigned-zone")}`;
    expect(find(z, mx, "A")?.zone).toBe(d("tlsa-unsigned-zone"));
    expect(find(z, `_25._tcp.${mx}`, "TLSA")?.zone).toBe(`_tcp.${mx}`);
    expect(z[1]!.signed).toBe(false);
  });

  it("publishes no TLSA for NXDOMAIN, and a TXT at its owner for NODATA", () => {
    const nx = zonesOf("tlsa-nxdomain");
    expect(nx.some((z) => /TLSA|TXT/.test(z.text))).toBe(false);
    const nd = zonesOf("tlsa-nodata");
    expect(find(nd, `_25._tcp.mx.${d("tlsa-nodata")}`, "TXT")).toBeDefined();
    expect(find(nd, `_25._tcp.mx.${d("tlsa-nodata")}`, "TLSA")).toBeUndefined();
  });

  it("serves an unloadable zone, and delegates a zone nobody serves to the silent address", () => {
    const sf = zonesOf("tlsa-servfail");
    expect(sf[1]).toMatchObject({ zone: `_tcp.mx.${d("tlsa-servfail")}`, signed: true, served: "unloadable" });
    const na = zonesOf("tlsa-no-answer");
    const tcp = `_tcp.mx.${d("tlsa-no-answer")}`;
    expect(na[1]).toMatchObject({ zone: tcp, signed: true, served: "nowhere" });
    expect(find(na, tcp, "NS")?.data).toBe(`ns-silent.${d("tlsa-no-answer")}.`);
    expect(find(na, `ns-silent.${d("tlsa-no-answer")}`, "A")?.data).toBe(SILENT_ADDR);
    const cp = w.cases.find((c) => c.case.id === "dns-faults/tlsa-no-answer")!;
    expect(servedCaseZones(w, cp)).toEqual([d("tlsa-no-answer")]);
  });

  it("aliases the MX host; the TLSA at the expanded name, the alias, or both", () => {
    const z = zonesOf("cname-mx");
    expect(find(z, `mx.${d("cname-mx")}`, "CNAME")?.data).toBe(`host.${d("cname-mx")}.`);
    expect(find(z, `host.${d("cname-mx")}`, "A")).toBeDefined();
    expect(find(z, `_25._tcp.host.${d("cname-mx")}`, "TLSA")?.data).toBe("3 1 1 AA");
    expect(find(zonesOf("cname-mx-tlsa-at-alias"), `_25._tcp.mx.${d("cname-mx-tlsa-at-alias")}`, "TLSA")).toBeDefined();
    const both = zonesOf("cname-mx-expanded-first");
    expect(find(both, `_25._tcp.host.${d("cname-mx-expanded-first")}`, "TLSA")?.data).toBe("3 1 1 AA");
    expect(find(both, `_25._tcp.mx.${d("cname-mx-expanded-first")}`, "TLSA")?.data).toBe("3 1 1 BB");
  });

  it("an alias that leaves the signed tree points into an unsigned zone below the domain", () => {
    const z = zonesOf("cname-mx-insecure-target");
    const target = `mx.insecure.${d("cname-mx-insecure-target")}`;
    expect(find(z, `mx.${d("cname-mx-insecure-target")}`, "CNAME")?.data).toBe(`${target}.`);
    expect(find(z, target, "A")?.zone).toBe(`insecure.${d("cname-mx-insecure-target")}`);
    expect(find(z, `_25._tcp.${target}`, "TLSA")?.zone).toBe(`insecure.${d("cname-mx-insecure-target")}`);
    expect(z[1]!.signed).toBe(false);
  });

  it("aliases the TLSA owner to a signed name, or to one in an unsigned zone", () => {
    const s = zonesOf("cname-tlsa");
    expect(find(s, `_25._tcp.mx.${d("cname-tlsa")}`, "CNAME")?.data).toBe(`tlsa.${d("cname-tlsa")}.`);
    expect(find(s, `tlsa.${d("cname-tlsa")}`, "TLSA")?.zone).toBe(d("cname-tlsa"));
    const u = zonesOf("cname-tlsa-insecure-target");
    expect(find(u, `tlsa.insecure.${d("cname-tlsa-insecure-target")}`, "TLSA")?.zone).toBe(
      `insecure.${d("cname-tlsa-insecure-target")}`,
    );
  });

  it("names where the resolver is asked and where the RRset sits", () => {
    const cp = w.cases.find((c) => c.case.id === "dns-faults/cname-tlsa")!;
    expect(caseNames(cp)).toMatchObject({
      tlsaOwner: `_25._tcp.mx.${d("cname-tlsa")}`,
      tlsaAt: `tlsa.${d("cname-tlsa")}`,
    });
  });
});
