import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitJsonSchema, SCHEMA_FILES } from "./json-schema.ts";

const root = join(import.meta.dirname, "..", "..");

describe("emitted JSON Schemas", () => {
  for (const [file, schema] of Object.entries(SCHEMA_FILES)) {
    it(`${file} is current (run npm run schema)`, () => {
      expect(readFileSync(join(root, file), "utf8")).toBe(emitJsonSchema(schema));
    });
  }
});
