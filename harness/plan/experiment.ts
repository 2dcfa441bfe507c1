// When two cells are the same experiment. Sequences 14 and 15 (and 16, 17, 18) publish the same
// TLSA recipes against the same kind of receiver certificate; in one world, with one sending MTA,
// their cells would build the same records, send the same message and watch the same daemons.
// Such a case is built once (one domain, certificate, TLSA RRset and receiver address) and each
// such cell is observed once: the other cells take that observation and are judged against their
// own expectations. `--separate` turns this off. Pure.
import type { Case, Scenario } from "../schema/scenario.ts";

/** JSON with object keys sorted, so equal content gives an equal string whatever the key order. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

/** Everything that shapes what a case builds and sends; not its id, words, expectations or refs. */
export function experimentKey(c: Case, receiverCertificate: Scenario["receiverCertificate"]): string {
  const { id: _id, title: _t, twin: _tw, twinOf: _to, refs: _r, expect: _e, control: _c, vary: _v, ...content } = c;
  return stableJson({ receiverCertificate, content });
}
