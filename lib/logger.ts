import { config } from "@/lib/config";

const order = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = Exclude<keyof typeof order, "silent">;

function level(): number {
  try {
    return order[config().logLevel];
  } catch {
    return order.info;
  }
}

function write(lvl: Level, msg: string, fields?: Record<string, unknown>) {
  if (order[lvl] < level()) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }, (_k, v) =>
    v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
  );
  (lvl === "error" || lvl === "warn" ? process.stderr : process.stdout).write(`${line}\n`);
}

/** Structured JSON-lines logger honouring LOG_LEVEL. */
export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
