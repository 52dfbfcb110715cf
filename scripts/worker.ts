// `npm run worker`: runs background jobs (the embedded runner) without the web
// server — for a separate worker process in production on Postgres, and for
// the crash tests, which kill it with SIGKILL mid-campaign.

import { functions } from "../inngest";
import { ConfigError, config } from "../lib/config";
import { closeDb, getDb } from "../lib/db";
import { startRunner, stopRunnerGracefully } from "../lib/jobs/runner";

async function main(): Promise<void> {
  try {
    const cfg = config();
    if (cfg.jobsMode === "inngest") {
      console.error("Inngest is configured: background work runs in Inngest, not in a worker process.");
      process.exit(1);
    }
    if (cfg.databaseMode === "pglite") {
      console.error(
        "The embedded database admits one process: run the worker only with DATABASE_URL (Postgres).",
      );
      process.exit(1);
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  await getDb();
  startRunner(functions);
  console.log(`worker ${process.pid} running background jobs`);
  const stop = async () => {
    await stopRunnerGracefully();
    await closeDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  setInterval(() => {}, 1 << 30);
}

void main();
