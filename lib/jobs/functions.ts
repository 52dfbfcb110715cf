import type { DefinedFunction } from "@/inngest/define";

type Source = readonly DefinedFunction[] | (() => Promise<readonly DefinedFunction[]>);

// On globalThis: Next.js may load this module once per bundle (instrumentation, routes).
const state = globalThis as typeof globalThis & { __switchboardJobFunctions?: Source };

/**
 * Hands the embedded runner and emit their function list, once at boot
 * (lib/boot.ts, scripts/worker.ts; tests in their setup). Job code never
 * imports inngest/index itself: the functions import the services that emit.
 */
export function setJobFunctions(functions: Source): void {
  state.__switchboardJobFunctions = functions;
}

/** The functions given at boot; an error names the missing call. */
export async function jobFunctions(): Promise<readonly DefinedFunction[]> {
  const source = state.__switchboardJobFunctions;
  if (!source) throw new Error("No job functions registered: call setJobFunctions(functions) at boot");
  if (typeof source !== "function") return source;
  const resolved = await source();
  state.__switchboardJobFunctions = resolved;
  return resolved;
}
