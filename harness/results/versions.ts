// Versions are read from the installed binaries, never written down by hand.
import type { Implementation } from "../load/environments.ts";
import { run } from "../os/exec.ts";

const cache = new Map<string, Promise<string>>();

export function versionOf(impl: Implementation, cwd: string): Promise<string> {
  let v = cache.get(impl.manifest.name);
  if (!v) {
    v = (async () => {
      try {
        const r = await run(impl.manifest.version.argv, { cwd, timeoutMs: 10_000 });
        const m = new RegExp(impl.manifest.version.pattern).exec(`${r.stdout}\n${r.stderr}`);
        return m?.[1] ?? `unknown (${impl.manifest.version.argv.join(" ")} printed no version)`;
      } catch (e) {
        return `unknown (${(e as Error).message.split("\n")[0]})`;
      }
    })();
    cache.set(impl.manifest.name, v);
  }
  return v;
}
