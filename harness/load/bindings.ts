// Load a bindings file and check it against the manifests: every key is an external product,
// every implementation exists and fills every role the product has.
import type { Implementation } from "./environments.ts";
import { InputError, InputErrors } from "./input-error.ts";
import { parseYamlFile } from "./yaml-file.ts";
import { Bindings } from "../schema/bindings.ts";

export function loadBindings(file: string, envs: Map<string, Implementation>): Map<string, string> {
  const parsed = parseYamlFile(file, Bindings);
  const errors: InputError[] = [];
  const out = new Map<string, string>();
  for (const [product, b] of Object.entries(parsed)) {
    const ext = envs.get(product);
    if (!ext || ext.manifest.kind !== "external") {
      errors.push(
        new InputError(
          file,
          product,
          `'${product}' is not an external product (environments/${product}/manifest.yaml with kind: external)`,
        ),
      );
      continue;
    }
    const impl = envs.get(b.implementation);
    if (!impl) {
      errors.push(
        new InputError(
          file,
          `${product}.implementation`,
          `no implementation '${b.implementation}' (environments/${b.implementation}/)`,
        ),
      );
      continue;
    }
    for (const role of Object.keys(ext.manifest.roles))
      if (!impl.manifest.roles[role as keyof typeof impl.manifest.roles])
        errors.push(
          new InputError(
            file,
            `${product}.implementation`,
            `'${b.implementation}' cannot fill the role '${role}' that ${product} has`,
          ),
        );
    out.set(product, b.implementation);
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return out;
}
