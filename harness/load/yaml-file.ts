// Read a YAML file and check it against a zod schema; errors name the file and the field.
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { InputError, InputErrors } from "./input-error.ts";

export function fieldPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");
}

export function parseYamlFile<S extends z.ZodType>(file: string, schema: S, text?: string): z.infer<S> {
  let source: string;
  try {
    source = text ?? readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(file, "", `cannot read: ${(e as Error).message}`);
  }
  const doc = parseDocument(source, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0] ? `line ${first.linePos[0].line}` : "";
    throw new InputError(file, where, `not valid YAML: ${first.message.split("\n")[0]}`);
  }
  const result = schema.safeParse(doc.toJS());
  if (!result.success) {
    throw new InputErrors(
      result.error.issues.map((issue) => new InputError(file, fieldPath(issue.path), issue.message)),
    );
  }
  return result.data;
}
