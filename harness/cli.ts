// npm run nccoe -- <run|up|down|list|help>
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { InputError, InputErrors } from "./load/input-error.ts";
import { HELP, parseCli, UsageError } from "./cli/options.ts";
import { commandDown, commandRun, commandUp } from "./cli/commands.ts";
import { formatPlan } from "./cli/list.ts";
import { loadAll } from "./cli/load-all.ts";
import { isStopping } from "./os/teardown.ts";
import { closeLauncher } from "./os/exec.ts";

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));

async function main(argv: string[]): Promise<number> {
  const opts = parseCli(argv);
  if (opts.command === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  if (opts.command === "down") return commandDown(opts.run);
  const loaded = loadAll(repoRoot, opts);
  if (opts.command === "list" || opts.list) {
    // A long plan piped to another program must be written out whole before the process exits.
    await new Promise<void>((resolve) => process.stdout.write(formatPlan(loaded.worlds) + "\n", () => resolve()));
    return 0;
  }
  if (loaded.worlds.length === 0) {
    console.error("nothing to run: no case matches the filters");
    return 2;
  }
  if (opts.command === "up") return commandUp(repoRoot, loaded, opts);
  return commandRun(repoRoot, loaded, opts);
}

main(process.argv.slice(2)).then(
  (code) => {
    // End the launcher, let stdout drain, then exit; on a signal, the handler exits once
    // teardown is done.
    if (!isStopping()) void closeLauncher().then(() => process.stdout.write("", () => process.exit(code)));
  },
  (e: unknown) => {
    if (isStopping()) return;
    if (e instanceof UsageError) console.error(`error: ${e.message}\n\n${HELP}`);
    else if (e instanceof InputErrors || e instanceof InputError) console.error(`bad input:\n${e.message}`);
    else console.error(`error: ${(e as Error).stack ?? e}`);
    process.exit(e instanceof UsageError || e instanceof InputErrors || e instanceof InputError ? 2 : 1);
  },
);
