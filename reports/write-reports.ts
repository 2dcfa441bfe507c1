// Write every report of a run folder from its results.json.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Results } from "../harness/results/results.ts";
import { htmlMatrix } from "./html-matrix.ts";
import { junitXml } from "./junit.ts";
import { allureResults } from "./allure.ts";

export function writeReports(runDir: string): string[] {
  const results = JSON.parse(readFileSync(join(runDir, "results.json"), "utf8")) as Results;
  const written = [join(runDir, "junit.xml"), join(runDir, "matrix.html")];
  writeFileSync(written[0]!, junitXml(results));
  writeFileSync(written[1]!, htmlMatrix(results));
  written.push(allureResults(results, join(runDir, "allure-results")));
  return written;
}
