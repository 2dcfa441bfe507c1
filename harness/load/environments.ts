// Load environments/<name>/manifest.yaml: an implementation is a folder, found by listing.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Manifest } from "../schema/manifest.ts";
import { InputError, InputErrors } from "./input-error.ts";
import { parseYamlFile } from "./yaml-file.ts";

export interface Implementation {
  dir: string;
  file: string;
  manifest: Manifest;
}

export function loadEnvironments(root: string): Map<string, Implementation> {
  const found = new Map<string, Implementation>();
  const errors: InputError[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    const file = join(dir, "manifest.yaml");
    if (!statSync(dir).isDirectory() || !existsSync(file)) continue;
    try {
      const manifest = parseYamlFile(file, Manifest);
      if (manifest.name !== name) errors.push(new InputError(file, "name", `must equal the folder name '${name}'`));
      for (const [role, spec] of Object.entries(manifest.roles)) {
        for (const [out, tpl] of Object.entries(spec?.templates ?? {})) {
          if (!existsSync(join(dir, tpl)))
            errors.push(
              new InputError(file, `roles.${role}.templates.${out}`, `template file '${tpl}' does not exist`),
            );
        }
      }
      found.set(name, { dir, file, manifest });
    } catch (e) {
      if (e instanceof InputErrors) errors.push(...e.errors);
      else if (e instanceof InputError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return found;
}
