import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Instance } from "../world/instances.ts";
import { LogIndex } from "./log-index.ts";

describe("LogIndex", () => {
  it("returns the lines about a cell, in order, by whole tokens", () => {
    const dir = mkdtempSync(join(tmpdir(), "logindex-"));
    mkdirSync(join(dir, "a"));
    writeFileSync(
      join(dir, "a", "maillog"),
      [
        "smtp[1]: AB12: to=<bob@c1.remote.test>, relay=mx.c1.remote.test[198.51.100.1]:25, status=sent",
        "smtp[2]: CD34: to=<bob@c10.remote.test>, status=deferred",
        "cleanup[3]: AB12: message-id=<tok1@lab.test>",
      ].join("\n"),
    );
    const idx = new LogIndex([{ dir: join(dir, "a") } as Instance], (f) => f === "maillog");
    const file = join(dir, "a", "maillog");
    expect(idx.linesAbout(file, ["AB12"])).toHaveLength(2);
    expect(idx.linesAbout(file, ["bob@c1.remote.test"])).toHaveLength(1); // not c10
    expect(idx.linesAbout(file, ["tok1@lab.test", "mx.c1.remote.test"])).toHaveLength(2);
    rmSync(dir, { recursive: true });
  });
});
