// For scenario tests: whether this machine can run real daemons (root, and the commands and
// files a test needs). Tests that cannot run here are skipped, and vitest says so.
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

/** `executables`: files that must exist and be executable (e.g. an unpacked binary). */
export function canRunDaemons(commands: string[], executables: string[] = []): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync("sh", ["-c", `command -v ${commands.join(" ")}`], { stdio: "ignore" });
  } catch {
    return false;
  }
  return executables.every((f) => {
    try {
      accessSync(f, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
