// npm run report:allure [-- <run folder>]: turn a run's allure-results into the Allure HTML report
// with allure-commandline (it needs Java, which the machine has).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const runDir = resolve(process.argv[2] ?? join(import.meta.dirname, "..", "run", "latest"));
const from = join(runDir, "allure-results");
if (!existsSync(from)) {
  console.error(`no ${from}: run \`npm run nccoe -- run\` first, or name a run folder`);
  process.exit(2);
}
const to = join(runDir, "allure-report");
execFileSync("npx", ["allure", "generate", from, "-o", to, "--clean"], { stdio: "inherit" });
console.log(`open ${join(to, "index.html")}`);
