// `npm start`: validate configuration, build when the build is missing or older
// than the sources, then serve on PORT with scripts/server.mjs (Next.js behind a
// node:http server that passes the socket address on; see lib/auth/ip.ts).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ConfigError, parseEnv } from "../lib/config";

const root = path.resolve(import.meta.dirname, "..");
process.env.NEXT_TELEMETRY_DISABLED = "1";

let env: ReturnType<typeof parseEnv>;
try {
  env = parseEnv(process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

function newest(dir: string): number {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

const buildId = path.join(root, ".next", "BUILD_ID");
const sources = ["app", "components", "lib", "inngest", "drizzle"].map((d) => newest(path.join(root, d)));
const files = ["package-lock.json", "next.config.ts", "instrumentation.ts", "postcss.config.mjs"]
  .map((f) => path.join(root, f))
  .filter(existsSync)
  .map((f) => statSync(f).mtimeMs);
const stale = !existsSync(buildId) || Math.max(...sources, ...files) > statSync(buildId).mtimeMs;

const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
if (stale) {
  console.log("Building Switchboard (first start or sources changed)…");
  const build = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: root,
    stdio: "inherit",
    env: process.env,
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Profiling flags given to this process (node --cpu-prof …) go on to the server it starts.
const profiling = process.execArgv.filter((a) => a.startsWith("--cpu-prof") || a.startsWith("--heap-prof"));
const server = spawn(process.execPath, [...profiling, path.join(root, "scripts", "server.mjs")], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, PORT: String(env.PORT) },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
