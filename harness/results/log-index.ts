// Every daemon log of a world, read once and indexed by the tokens on each line, so that each
// cell's evidence can pull "the lines about this cell" without rereading every log per cell.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Instance } from "../world/instances.ts";

const TOKEN = /[A-Za-z0-9@._-]+/g;

export class LogIndex {
  /** log file -> its lines */
  private readonly lines = new Map<string, string[]>();
  /** token -> (log file -> line numbers) */
  private readonly byToken = new Map<string, Map<string, number[]>>();

  /** Only tokens in `wanted` are indexed: indexing every token of every log cost hundreds of MB. */
  constructor(instances: Instance[], isLog: (file: string) => boolean, wanted?: Set<string>) {
    for (const inst of instances) {
      if (!existsSync(inst.dir)) continue;
      for (const f of readdirSync(inst.dir)) {
        const path = join(inst.dir, f);
        if (!isLog(f) || !statSync(path).isFile()) continue;
        const lines = readFileSync(path, "utf8").split("\n");
        this.lines.set(path, lines);
        lines.forEach((line, n) => {
          for (const tok of new Set(line.match(TOKEN) ?? [])) {
            if (wanted && !wanted.has(tok)) continue;
            let files = this.byToken.get(tok);
            if (!files) this.byToken.set(tok, (files = new Map()));
            const at = files.get(path);
            if (at) at.push(n);
            else files.set(path, [n]);
          }
        });
      }
    }
  }

  /** The lines of `file` holding any of the needles (each needle is one token, e.g. a queue id). */
  linesAbout(file: string, needles: string[]): string[] {
    const all = this.lines.get(file);
    if (!all) return [];
    const hit = new Set<number>();
    for (const n of needles) for (const i of this.byToken.get(n)?.get(file) ?? []) hit.add(i);
    return [...hit].sort((a, b) => a - b).map((i) => all[i]!);
  }

  files(): string[] {
    return [...this.lines.keys()];
  }
}
