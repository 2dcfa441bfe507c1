// Render an instance's config files from its implementation's templates. Pure: returns the texts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Implementation } from "../load/environments.ts";
import { InputError } from "../load/input-error.ts";
import type { Probe, RoleSpec } from "../schema/manifest.ts";
import type { Instance } from "./instances.ts";
import { renderTemplate } from "./template.ts";

export function roleSpec(impl: Implementation, inst: Instance): RoleSpec {
  const spec = impl.manifest.roles[inst.role];
  if (!spec) throw new InputError(impl.file, "roles", `'${impl.manifest.name}' cannot fill the role '${inst.role}'`);
  return spec;
}

export function renderFiles(impl: Implementation, inst: Instance): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, tpl] of Object.entries(roleSpec(impl, inst).templates)) {
    const file = join(impl.dir, tpl);
    out.set(name, renderTemplate(readFileSync(file, "utf8"), inst.context, file));
  }
  return out;
}

export function renderArgv(impl: Implementation, inst: Instance, argv: string[]): string[] {
  return argv.map((a) => renderTemplate(a, inst.context, `${impl.file} (start)`));
}

/** Probes with their {{variables}} filled in. */
export function renderProbes(impl: Implementation, inst: Instance): Probe[] {
  const text = JSON.stringify(roleSpec(impl, inst).ready);
  return JSON.parse(renderTemplate(text, inst.context, `${impl.file} (ready)`)) as Probe[];
}
