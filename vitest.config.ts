import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/setup.ts"],
    globalSetup: ["tests/global-setup.ts"],
    pool: "forks",
    // Vitest keeps one core for itself by default, which on these 2-core machines means one
    // test file at a time; two at once measured 379 s against 527 s for the PGlite pass.
    // On a shared Postgres the files stay one at a time: the job runner (and tests that
    // fast-forward pending jobs) would take another file's jobs.
    maxWorkers: process.env.DATABASE_URL ? 1 : 2,
    server: { deps: { inline: ["next-auth"] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The tests talk to doubles on loopback; tests/integration/egress-off.test.ts turns this off.
    env: {
      LOG_LEVEL: "silent",
      API_RATE_LIMIT_PER_SECOND: "25",
      NEXT_TELEMETRY_DISABLED: "1",
      EGRESS_ALLOW_PRIVATE: "1",
    },
  },
});
