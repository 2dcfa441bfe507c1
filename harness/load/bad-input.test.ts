import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadEnvironments } from "./environments.ts";
import { loadScenarioFiles } from "./scenarios.ts";

const root = join(import.meta.dirname, "..", "..");
const seq17 = readFileSync(join(root, "scenarios", "seq-17.yaml"), "utf8");

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "nccoe-input-"));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("bad scenario files", () => {
  it("the shipped scenarios load", () => {
    expect(loadScenarioFiles(join(root, "scenarios")).length).toBeGreaterThan(0);
  });

  it("names the file, line and problem for broken YAML", () => {
    const dir = dirWith({ "seq-x.yaml": "id: [unclosed\n" });
    expect(errorOf(() => loadScenarioFiles(dir))).toMatch(/seq-x\.yaml: line \d+: not valid YAML/);
  });

  it("names the file and field for a wrong type", () => {
    const dir = dirWith({
      "seq-17.yaml": seq17.replace(
        "usage: 3, selector: 1, matching: 1 }",
        'usage: "three", selector: 1, matching: 1 }',
      ),
    });
    expect(errorOf(() => loadScenarioFiles(dir))).toMatch(/seq-17\.yaml: cases\[0\]\.tlsa\[0\]\.usage: .*number/);
  });

  it("names an unknown field", () => {
    const dir = dirWith({
      "seq-17.yaml": seq17.replace(
        "receiverCertificate: self-signed",
        "receiverCertificate: self-signed\ncolour: blue",
      ),
    });
    expect(errorOf(() => loadScenarioFiles(dir))).toMatch(/seq-17\.yaml: .*colour/);
  });

  it("refuses a duplicate case id, naming both files", () => {
    const other = seq17
      .replace("id: seq17\n", "id: seq17b\n")
      .replaceAll("seq17/", "seq17b/")
      .replace("twin: seq17b/dane-ee-wrong-digest", "twin: seq17b/dane-ee-wrong-digest");
    const dup = other.replace("id: seq17b/dane-ee-valid", "id: seq17/dane-ee-valid");
    const dir = dirWith({ "seq-17.yaml": seq17, "seq-17b.yaml": dup });
    const msg = errorOf(() => loadScenarioFiles(dir));
    expect(msg).toMatch(
      /seq-17b\.yaml: cases\[0\]\.id: duplicate case id 'seq17\/dane-ee-valid' \(also in .*seq-17\.yaml\)/,
    );
  });

  it("refuses a positive case without a negative twin", () => {
    const dir = dirWith({ "seq-17.yaml": seq17.replace("    twin: seq17/dane-ee-wrong-digest\n", "") });
    expect(errorOf(() => loadScenarioFiles(dir))).toMatch(
      /cases\[1\]\.twinOf: 'seq17\/dane-ee-valid' must exist in this file and name its twin/,
    );
  });
});

describe("bad DNS-fault cases", () => {
  const faults = readFileSync(join(root, "scenarios", "dns-faults.yaml"), "utf8");

  it("refuses an empty TLSA list, except where the fault publishes none", () => {
    const empty = faults.replace(
      "    tlsa:\n      - { usage: 3, selector: 1, matching: 1 }\n    dnsFault: none\n",
      "    tlsa: []\n    dnsFault: none\n",
    );
    expect(errorOf(() => loadScenarioFiles(dirWith({ "dns-faults.yaml": empty })))).toMatch(
      /dns-faults\.yaml: cases\[0\]\.tlsa: at least one TLSA record/,
    );
    const nx = faults.replace(
      "    tlsa: []\n    dnsFault: tlsa-nxdomain",
      "    tlsa:\n      - { usage: 3, selector: 1, matching: 1 }\n    dnsFault: tlsa-nxdomain",
    );
    expect(errorOf(() => loadScenarioFiles(dirWith({ "dns-faults.yaml": nx })))).toMatch(
      /tlsa: dnsFault 'tlsa-nxdomain' publishes no TLSA/,
    );
  });

  it("refuses a CNAME layout without its own correctly signed zone", () => {
    const bad = faults.replace("    dnsFault: none\n    cname: { mx: signed }", "    cname: { mx: signed }");
    expect(errorOf(() => loadScenarioFiles(dirWith({ "dns-faults.yaml": bad })))).toMatch(
      /cname: a cname layout needs dnsFault: none/,
    );
  });

  it("refuses an AAAA fault on an MX host that has no IPv6 address", () => {
    const bad = faults.replace(
      "    dnsFault: aaaa-missing-rrsig\n    mxAddress: ipv6\n",
      "    dnsFault: aaaa-missing-rrsig\n",
    );
    expect(bad).not.toBe(faults);
    expect(errorOf(() => loadScenarioFiles(dirWith({ "dns-faults.yaml": bad })))).toMatch(
      /dns-faults\.yaml: cases\[\d+\]\.mxAddress: dnsFault 'aaaa-missing-rrsig' breaks the MX host's AAAA RRset: write mxAddress: ipv6/,
    );
  });
});

describe("bad manifests", () => {
  it("the shipped environments load", () => {
    expect(loadEnvironments(join(root, "environments")).has("postfix")).toBe(true);
  });

  it("names the manifest and field", () => {
    const dir = dirWith({
      "x/manifest.yaml": "name: x\ntitle: X\nversion: { argv: [x] }\nroles: { resolver: { start: oops } }\n",
    });
    expect(errorOf(() => loadEnvironments(dir))).toMatch(/x\/manifest\.yaml: roles\.resolver\.start: /);
  });

  it("refuses a role no harness knows", () => {
    const dir = dirWith({ "x/manifest.yaml": "name: x\ntitle: X\nversion: { argv: [x] }\nroles: { toaster: {} }\n" });
    expect(errorOf(() => loadEnvironments(dir))).toMatch(/x\/manifest\.yaml: roles/);
  });

  it("refuses a missing template file", () => {
    const dir = dirWith({
      "x/manifest.yaml":
        "name: x\ntitle: X\nversion: { argv: [x] }\nroles: { resolver: { templates: { a.conf: nope.conf } } }\n",
    });
    expect(errorOf(() => loadEnvironments(dir))).toMatch(
      /x\/manifest\.yaml: roles\.resolver\.templates\.a\.conf: template file 'nope\.conf' does not exist/,
    );
  });

  it("refuses a folder name that differs from the manifest name", () => {
    const dir = dirWith({ "y/manifest.yaml": "name: x\ntitle: X\nversion: { argv: [x] }\nroles: {}\n" });
    expect(errorOf(() => loadEnvironments(dir))).toMatch(/y\/manifest\.yaml: name: must equal the folder name 'y'/);
  });
});
