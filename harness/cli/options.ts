// Command-line parsing for `npm run nccoe -- <command> [options]`.
import { parseArgs } from "node:util";
import { PROFILES, type Profile } from "../schema/scenario.ts";

export const HELP = `nccoe-harness: DANE, DNSSEC and STARTTLS between real mail and DNS servers (NIST SP 1800-6)

usage: npm run nccoe -- <command> [options]

commands:
  run      bring the worlds up, run the cases, write results.json and evidence, tear down
  up       bring one world up and leave it running; prints addresses, accounts and trust anchor
  down     tear down every world left running by 'up' (and anything a killed run left);
           --run ID tears down only that run
  list     print the plan, one cell a line, without bringing anything up (same as run --list)
  help     this text

options:
  --sequence N[,N]   only these NCCoE sequences (e.g. 17)
  --catalogue C[,C]  only these catalogues (e.g. attacks); with neither option, everything runs
  --case GLOB        only cases whose id matches, e.g. 'seq17/*' (repeatable)
  --mta NAME[,NAME]  only these sending MTAs (e.g. exim)
  --dns NAME[,NAME]  only DNS stacks that name one of these (e.g. knot, bind)
  --profile P        expectation profile: ${PROFILES.join(", ")} (default rfc7672)
  --list             with run: print the plan and exit
  --bindings FILE    play external products (exchange, ad-dns, secure64, ...) with the
                     implementations FILE names instead of their stand-ins (see README)
  --scenarios DIR    read scenarios from DIR instead of scenarios/ (for trying a new file)
  --repeat N         run the plan N times and check every cell gets the same verdict each time
  --out DIR          run folder (default run/<time>-<run id>; run/latest points at it)
  --driver D         netns (default: namespaces on this machine) or docker (one container per
                     host; needs harness/driver/docker/setup.sh). The verdicts must not differ.
  --separate         run every cell on its own; by default, cells of different sequences that
                     are the same experiment in one world (same TLSA recipe, certificate kind and
                     sending MTA) are sent once and share that observation
  --weaken-sender    developer check: render the senders with opportunistic TLS and no DANE
  --weaken-mua       developer check: the receiving mail client believes any S/MIME signature
                     (no SMIMEA binding, no cryptographic check); the smime cases must go red
                     (Postfix smtp_tls_security_level = may). The run must then go red.
  --cleartext-sender developer check: render the senders with no TLS at all; the packet
                     capture then sees every message in cleartext. The run must go red.
  -h, --help

exit status: 0 when every outcome is as expected, 1 when any is not, 2 for bad input.
`;

export interface CliOptions {
  command: "run" | "up" | "down" | "list" | "help";
  sequences?: number[];
  catalogues?: string[];
  cases: string[];
  mta?: string[];
  dns?: string[];
  profile: Profile;
  list: boolean;
  out?: string;
  scenariosDir?: string;
  bindingsFile?: string;
  weakenSender: boolean;
  weakenMua: boolean;
  separate: boolean;
  repeat: number;
  weakenLevel: "may" | "none";
  run?: string;
  driver: Driver;
}

export const DRIVERS = ["netns", "docker"] as const;
export type Driver = (typeof DRIVERS)[number];

export class UsageError extends Error {}

export function parseCli(argv: string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      sequence: { type: "string" },
      catalogue: { type: "string" },
      case: { type: "string", multiple: true },
      mta: { type: "string" },
      dns: { type: "string" },
      profile: { type: "string", default: "rfc7672" },
      list: { type: "boolean", default: false },
      out: { type: "string" },
      repeat: { type: "string", default: "1" },
      scenarios: { type: "string" },
      run: { type: "string" },
      driver: { type: "string", default: "netns" },
      bindings: { type: "string" },
      "weaken-sender": { type: "boolean", default: false },
      "weaken-mua": { type: "boolean", default: false },
      separate: { type: "boolean", default: false },
      "cleartext-sender": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const command = (values.help ? "help" : (positionals[0] ?? "help")) as CliOptions["command"];
  if (!["run", "up", "down", "list", "help"].includes(command)) throw new UsageError(`unknown command '${command}'`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  if (!(PROFILES as readonly string[]).includes(values.profile!))
    throw new UsageError(`--profile must be one of ${PROFILES.join(", ")}, not '${values.profile}'`);
  if (!(DRIVERS as readonly string[]).includes(values.driver!))
    throw new UsageError(`--driver must be one of ${DRIVERS.join(", ")}, not '${values.driver}'`);
  const sequences = values.sequence?.split(",").map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n)) throw new UsageError(`--sequence takes numbers like 17 or 13,17, not '${s}'`);
    return n;
  });
  return {
    command,
    sequences,
    cases: values.case ?? [],
    catalogues: values.catalogue?.split(",").map((s) => s.trim()),
    mta: values.mta?.split(",").map((s) => s.trim()),
    dns: values.dns?.split(",").map((s) => s.trim()),
    profile: values.profile as Profile,
    list: values.list!,
    out: values.out,
    scenariosDir: values.scenarios,
    run: values.run,
    bindingsFile: values.bindings,
    weakenSender: values["weaken-sender"]! || values["cleartext-sender"]!,
    weakenMua: values["weaken-mua"]!,
    separate: values.separate!,
    repeat: (() => {
      const n = Number(values.repeat);
      if (!Number.isInteger(n) || n < 1)
        throw new UsageError(`--repeat takes a whole number of runs, not '${values.repeat}'`);
      return n;
    })(),
    weakenLevel: values["cleartext-sender"] ? "none" : "may",
    driver: values.driver as Driver,
  };
}

/** 'seq17/*' style globs: * matches within the id, nothing else is special. */
export function globMatcher(globs: string[]): ((id: string) => boolean) | undefined {
  if (globs.length === 0) return undefined;
  const res = globs.map(
    (g) =>
      new RegExp(
        `^${g
          .split("*")
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      ),
  );
  return (id) => res.some((r) => r.test(id));
}
