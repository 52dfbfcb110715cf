import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
/** The Stripe API double (e2e/stripe-double.setup.ts) that billing talks to. */
const stripePort = Number(process.env.E2E_STRIPE_PORT ?? 3199);
export const E2E_DATA_DIR = ".e2e-data";

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/stripe-double.setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    // A fresh embedded data directory each run; builds first when sources changed.
    command: `rm -rf ${E2E_DATA_DIR} && node scripts/launch.mjs start`,
    url: `http://localhost:${port}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(port),
      DATA_DIR: E2E_DATA_DIR,
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
      DATABASE_URL: "",
      STRIPE_SECRET_KEY: "sk_test_e2e_double",
      STRIPE_API_BASE: `http://127.0.0.1:${stripePort}`,
      STRIPE_WEBHOOK_SECRET: "whsec_e2e_double",
      // Provider doubles listen on loopback.
      EGRESS_ALLOW_PRIVATE: "1",
    },
  },
});
