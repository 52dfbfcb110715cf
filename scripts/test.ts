// `npm test`: typecheck, lint, Vitest (PGlite, or the Postgres of DATABASE_URL)
// and Playwright in Debian's Chromium. `npm test -- --no-e2e` skips the browser.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const skipE2e = process.argv.includes("--no-e2e");
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
process.env.NEXT_TELEMETRY_DISABLED = "1";

function step(title: string, cmd: string, args: string[]): void {
  const started = Date.now();
  console.log(`\n▶ ${title}`);
  const res = spawnSync(cmd, args, { stdio: "inherit", env: process.env });
  if (res.status !== 0) {
    console.error(`✖ ${title} failed`);
    process.exit(res.status ?? 1);
  }
  console.log(`✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function ensureChromium(): void {
  if (existsSync(chromium)) return;
  if (process.getuid?.() === 0) {
    console.log("Chromium is missing; installing Debian's chromium package…");
    step("apt-get update", "apt-get", ["update", "-qq"]);
    step("apt-get install chromium", "apt-get", ["install", "-y", "-qq", "chromium"]);
    return;
  }
  console.error(
    `Chromium was not found at ${chromium}. Install it with:\n  sudo apt-get update && sudo apt-get install -y chromium\n` +
      "or point CHROMIUM_PATH at a Chromium binary, or run `npm test -- --no-e2e`.",
  );
  process.exit(1);
}

const db = process.env.DATABASE_URL ? "Postgres (DATABASE_URL)" : "embedded PGlite";
step("typecheck", "npx", ["tsc", "--noEmit"]);
step("lint", "npx", ["biome", "check", "."]);
step(`unit and integration tests on ${db}`, "npx", ["vitest", "run"]);
if (!skipE2e) {
  ensureChromium();
  step("end-to-end tests in Chromium", "npx", ["playwright", "test"]);
}
console.log("\nAll tests passed.");
