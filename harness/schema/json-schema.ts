// The zod schemas are the single source of truth; these JSON Schemas are emitted from them so
// editors can check scenarios/*.yaml and environments/*/manifest.yaml as they are typed.
// Regenerate with `npm run schema`; a test fails when the committed files are stale.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { Manifest } from "./manifest.ts";
import { Scenario } from "./scenario.ts";

export const SCHEMA_FILES = {
  "scenarios/scenario.schema.json": Scenario,
  "environments/manifest.schema.json": Manifest,
} as const;

export function emitJsonSchema(schema: z.ZodType): string {
  return JSON.stringify(z.toJSONSchema(schema, { io: "input" }), null, 2) + "\n";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(import.meta.url), "..", "..", "..");
  for (const [file, schema] of Object.entries(SCHEMA_FILES)) {
    writeFileSync(join(root, file), emitJsonSchema(schema));
    console.log(`wrote ${file}`);
  }
}
