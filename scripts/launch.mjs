// Runs a compiled production entry point: `node scripts/launch.mjs start|worker|cli`.
// Compiles dist/ first when it is missing or older than the TypeScript it comes from.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildScripts, ENTRIES } from "./build-scripts.mjs";

const root = path.resolve(import.meta.dirname, "..");
const name = process.argv[2];
if (!name || !(name in ENTRIES)) {
  console.error(`Usage: node scripts/launch.mjs ${Object.keys(ENTRIES).join("|")} [args]`);
  process.exit(2);
}
// The entry point sees its own arguments, as it would under tsx.
process.argv.splice(2, 1);

function newest(dir) {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (/\.(ts|tsx|mjs|json)$/.test(entry.name)) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

const target = path.join(root, "dist", `${name}.mjs`);
const sources = Math.max(
  ...["lib", "inngest", "scripts", "drizzle"].map((d) => newest(path.join(root, d))),
  statSync(path.join(root, "package-lock.json")).mtimeMs,
);
if (!existsSync(target) || statSync(target).mtimeMs < sources) await buildScripts();
await import(pathToFileURL(target).href);
