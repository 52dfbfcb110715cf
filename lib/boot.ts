import { announceServer } from "@/lib/cli/bridge";
import { ConfigError, config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { log } from "@/lib/logger";
import { demoCredentials, seedDemo } from "@/lib/services/seed";

/** Server start: validate config, migrate, seed the embedded demo, say how to sign in. */
export async function boot(): Promise<void> {
  let cfg: ReturnType<typeof config>;
  try {
    cfg = config();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  await getDb();
  const url = cfg.appUrl ?? `http://localhost:${process.env.PORT ?? cfg.port}`;
  const lines = [
    `Switchboard is running at ${url} (database: ${cfg.databaseMode}, jobs: ${cfg.jobsMode}${cfg.jobsMode === "embedded" && !cfg.webRunsJobs ? ", run by npm run worker" : ""})`,
  ];
  if (cfg.databaseMode === "pglite") {
    announceServer(Number(process.env.PORT ?? cfg.port));
    await seedDemo();
    const creds = await demoCredentials();
    if (creds) lines.push(`Sign in at ${url}/login as ${creds.email} with password ${creds.password}`);
  }
  if (cfg.jobsMode === "embedded") {
    const { functions } = await import("@/inngest");
    if (cfg.webRunsJobs) {
      const { startRunner } = await import("@/lib/jobs/runner");
      startRunner(functions);
    } else {
      // The jobs this process stores name their functions; worker processes run them.
      const { setJobFunctions } = await import("@/lib/jobs/functions");
      setJobFunctions(functions);
    }
  }
  if (cfg.databaseMode === "postgres" && !process.env.AUTH_SECRET) {
    log.warn("AUTH_SECRET is not set: a secret was generated into DATA_DIR; set it so all instances agree");
  }
  console.log(lines.join("\n"));
}
