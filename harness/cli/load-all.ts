// Load and check every input (scenarios and environments) before anything starts.
import { join, resolve } from "node:path";
import { loadEnvironments, type Implementation } from "../load/environments.ts";
import { InputError } from "../load/input-error.ts";
import { loadScenarioFiles } from "../load/scenarios.ts";
import { loadBindings } from "../load/bindings.ts";
import { planWorlds, type WorldPlan } from "../plan/plan.ts";
import type { CliOptions } from "./options.ts";
import { globMatcher } from "./options.ts";

export interface Loaded {
  envs: Map<string, Implementation>;
  worlds: WorldPlan[];
}

export function loadAll(
  repoRoot: string,
  opts: Pick<CliOptions, "sequences" | "cases" | "profile"> & {
    scenariosDir?: string;
    catalogues?: string[];
    mta?: string[];
    dns?: string[];
    bindingsFile?: string;
    separate?: boolean;
  },
): Loaded {
  const envs = loadEnvironments(join(repoRoot, "environments"));
  const loaded = loadScenarioFiles(opts.scenariosDir ? resolve(opts.scenariosDir) : join(repoRoot, "scenarios"));
  for (const { file, scenario } of loaded) {
    for (const [site, roster] of Object.entries(scenario.roster)) {
      for (const [role, name] of Object.entries(roster)) {
        if (!name) continue;
        const impl = envs.get(name);
        if (!impl)
          throw new InputError(
            file,
            `roster.${site}.${role}`,
            `no implementation '${name}' (environments/${name}/manifest.yaml)`,
          );
        if (!impl.manifest.roles[role as keyof typeof impl.manifest.roles])
          throw new InputError(
            file,
            `roster.${site}.${role}`,
            `'${name}' cannot fill the role '${role}' (see ${impl.file})`,
          );
      }
    }
  }
  const scenarios = loaded
    .map((l) => l.scenario)
    .filter((s) => {
      // No filter: everything. With --sequence and/or --catalogue: only what they name.
      if (!opts.sequences && !opts.catalogues) return true;
      if (s.kind === "sequence")
        return !!opts.sequences && s.sequence !== undefined && opts.sequences.includes(s.sequence);
      return !!opts.catalogues && opts.catalogues.includes(s.id);
    });
  const manifests = new Map([...envs].map(([k, v]) => [k, v.manifest]));
  const bindings = opts.bindingsFile ? loadBindings(resolve(opts.bindingsFile), envs) : new Map<string, string>();
  const worlds = planWorlds(scenarios, manifests, {
    bindings,
    profile: opts.profile,
    separate: opts.separate,
    caseFilter: globMatcher(opts.cases),
    mtaFilter: opts.mta ? (names) => names.some((n) => opts.mta!.includes(n)) : undefined,
    dnsFilter: opts.dns ? (names) => names.some((n) => opts.dns!.includes(n)) : undefined,
  });
  return { envs, worlds };
}
