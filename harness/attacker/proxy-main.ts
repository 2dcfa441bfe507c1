// The attacker's program: `node proxy-main <config.json>` starts the SMTP proxy (smtp-proxy.ts)
// on every listener of the config, logs "ready", and exits on SIGTERM. The harness runs it bundled
// (harness/os/bundle.ts).
import { readFileSync } from "node:fs";
import { log, startProxy, type ProxyListener } from "./smtp-proxy.ts";

const file = process.argv[2];
if (!file) {
  console.error("usage: proxy-main <config.json>");
  process.exit(2);
}
const listeners = JSON.parse(readFileSync(file, "utf8")) as ProxyListener[];
startProxy(listeners).then(
  () => log("ready"),
  (e: Error) => {
    log(`cannot listen: ${e.message}`);
    process.exit(1);
  },
);
process.on("SIGTERM", () => process.exit(0));
