import type { InngestFunction } from "inngest";

/** Every Inngest function, served at /api/inngest and run by the embedded runner. */
export const functions: InngestFunction.Any[] = [];
