import { Inngest } from "inngest";
import { log } from "@/lib/logger";

type Level = keyof typeof log;

/**
 * The SDK's own logs (and `logger` inside functions) as our JSON lines under LOG_LEVEL; its
 * default console logger is not meant for production. It calls pino-style, `(fields, msg)`,
 * or with a bare message.
 */
function sdkLog(level: Level) {
  return (...args: unknown[]) => {
    const msg = args.find((a): a is string => typeof a === "string") ?? "";
    const fields: Record<string, unknown> = {};
    for (const a of args) {
      if (a instanceof Error) fields.err = a;
      else if (a && typeof a === "object") Object.assign(fields, a);
    }
    log[level](`inngest: ${msg}`.trim(), fields);
  };
}

/** The one Inngest client. Events are typed per domain as functions are added. */
export const inngest = new Inngest({
  id: "switchboard",
  logger: { debug: sdkLog("debug"), info: sdkLog("info"), warn: sdkLog("warn"), error: sdkLog("error") },
});
