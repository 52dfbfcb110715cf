// Compiles the production entry points (npm start, npm run worker, npm run cli)
// from TypeScript to plain JavaScript in dist/, so production processes start
// without compiling TypeScript. `npm run build` runs it after `next build`;
// scripts/launch.mjs runs it when dist/ is missing or older than the sources.
import { builtinModules, createRequire } from "node:module";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const requireFromRoot = createRequire(path.join(root, "package.json"));
const builtins = new Set(builtinModules);

/**
 * Dependencies stay in node_modules (our own modules, the @/ paths of tsconfig, are
 * compiled in). A deep import that only CommonJS-style resolution understands
 * (`nodemailer/lib/mail-composer`, a directory) is rewritten to the file it names,
 * so Node's ES module loader finds it.
 */
function hasExports(name) {
  try {
    return Boolean(requireFromRoot(`${name}/package.json`).exports);
  } catch {
    return true; // a package that hides its package.json has an exports map
  }
}

const externalDependencies = {
  name: "external-dependencies",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@/")) return undefined;
      if (args.path.startsWith("node:") || builtins.has(args.path))
        return { path: args.path, external: true };
      const parts = args.path.split("/");
      const name = args.path.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? "");
      const subpath = args.path.slice(name.length);
      if (!subpath || hasExports(name)) return { path: args.path, external: true };
      const file = requireFromRoot.resolve(args.path);
      const rel = path.relative(path.join(root, "node_modules"), file).split(path.sep).join("/");
      return { path: rel, external: true };
    });
  },
};

export const ENTRIES = {
  start: "scripts/start.ts",
  worker: "scripts/worker.ts",
  cli: "lib/cli/main.ts",
};

export async function buildScripts() {
  await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, file])),
    outdir: "dist",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    plugins: [externalDependencies],
    sourcemap: "linked",
    logLevel: "warning",
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildScripts();
  console.log(`Compiled ${Object.keys(ENTRIES).join(", ")} to dist/`);
}
