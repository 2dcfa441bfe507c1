// Load every scenario file, then check what no single file can: unique ids and twin links.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Scenario } from "../schema/scenario.ts";
import { InputError, InputErrors } from "./input-error.ts";
import { parseYamlFile } from "./yaml-file.ts";

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
}

export function loadScenarioFiles(dir: string): LoadedScenario[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort()
    .map((f) => join(dir, f));
  return checkScenarios(files.map((file) => ({ file, scenario: parseYamlFile(file, Scenario) })));
}

export function checkScenarios(loaded: LoadedScenario[]): LoadedScenario[] {
  const errors: InputError[] = [];
  const scenarioIds = new Map<string, string>();
  const caseIds = new Map<string, string>();
  for (const { file, scenario } of loaded) {
    const prior = scenarioIds.get(scenario.id);
    if (prior) errors.push(new InputError(file, "id", `duplicate scenario id '${scenario.id}' (also in ${prior})`));
    scenarioIds.set(scenario.id, file);
    scenario.cases.forEach((c, i) => {
      const seen = caseIds.get(c.id);
      if (seen) errors.push(new InputError(file, `cases[${i}].id`, `duplicate case id '${c.id}' (also in ${seen})`));
      caseIds.set(c.id, file);
      if (!c.id.startsWith(`${scenario.id}/`))
        errors.push(new InputError(file, `cases[${i}].id`, `case id '${c.id}' must start with '${scenario.id}/'`));
    });
  }
  for (const { file, scenario } of loaded) {
    const byId = new Map(scenario.cases.map((c) => [c.id, c]));
    scenario.cases.forEach((c, i) => {
      if (!c.twin && !c.twinOf)
        errors.push(
          new InputError(
            file,
            `cases[${i}]`,
            `case '${c.id}' needs 'twin' (a positive case) or 'twinOf' (a negative twin)`,
          ),
        );
      if (c.twin && byId.get(c.twin)?.twinOf !== c.id)
        errors.push(
          new InputError(file, `cases[${i}].twin`, `'${c.twin}' must exist in this file and say twinOf: ${c.id}`),
        );
      // Several negatives may be twins of one positive (attacks); the positive names one of them.
      if (c.twinOf && !byId.get(c.twinOf)?.twin)
        errors.push(
          new InputError(file, `cases[${i}].twinOf`, `'${c.twinOf}' must exist in this file and name its twin`),
        );
    });
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return loaded;
}
