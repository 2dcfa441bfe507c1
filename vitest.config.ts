import { defineConfig } from "vitest/config";

// Unit tests of pure code run anywhere. Scenario tests (*.scenario.test.ts) bring up real
// daemons in network namespaces: they need root and the Debian packages, and run one file at a time.
export default defineConfig({
  test: {
    include: ["harness/**/*.test.ts", "environments/**/*.test.ts", "reports/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: "forks",
  },
});
