import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { config } from "@/lib/config";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Anything that runs queries: the database or an open transaction. */
export type Executor = Db | Tx;

interface Handle {
  db: Db;
  mode: "postgres" | "pglite";
  migrated?: Promise<void>;
  close(): Promise<void>;
  /** Postgres only: LISTEN on a channel of its own connection (reconnected by the driver). */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** Postgres only: NOTIFY a channel, outside any transaction. */
  notify?(channel: string): Promise<void>;
}

// One handle per process. Next.js may evaluate this module in several bundles
// (instrumentation, route handlers, pages); embedded PGlite allows only one
// opener of its directory, so the handle lives on globalThis.
const holder = globalThis as typeof globalThis & { __switchboardDb?: Handle };

export const migrationsFolder = path.join(process.cwd(), "drizzle");
export const pgliteDir = () => path.join(config().dataDir, "pglite");

async function open(): Promise<Handle> {
  const cfg = config();
  if (cfg.databaseUrl) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(cfg.databaseUrl, { max: cfg.databasePoolSize, onnotice: () => {} });
    const db = drizzle({ client, schema, casing: "snake_case" }) as unknown as Db;
    return {
      db,
      mode: "postgres",
      close: () => client.end({ timeout: 5 }),
      listen: async (channel, onNotify) => {
        const { unlisten } = await client.listen(channel, () => onNotify());
        return unlisten;
      },
      notify: async (channel) => {
        await client.notify(channel, "");
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  mkdirSync(pgliteDir(), { recursive: true });
  const client = await PGlite.create(pgliteDir());
  const db = drizzle({ client, schema, casing: "snake_case" }) as unknown as Db;
  return { db, mode: "pglite", close: () => client.close() };
}

let opening: Promise<Handle> | undefined;

async function handle(): Promise<Handle> {
  if (holder.__switchboardDb) return holder.__switchboardDb;
  opening ??= open().then((h) => {
    holder.__switchboardDb = h;
    return h;
  });
  return opening;
}

/** The process's database, opened on first use with migrations applied. */
export async function getDb(): Promise<Db> {
  const h = await handle();
  h.migrated ??= applyMigrations(h);
  await h.migrated;
  return h.db;
}

export async function databaseMode(): Promise<"postgres" | "pglite"> {
  return (await handle()).mode;
}

/**
 * Calls `onNotify` whenever another process NOTIFYs `channel` (Postgres; on
 * PGlite there is no other process, and this does nothing).
 */
export async function listenDb(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  const h = await handle();
  return (await h.listen?.(channel, onNotify)) ?? (async () => {});
}

/**
 * NOTIFYs `channel` for the processes that listen on it (Postgres; nothing on
 * PGlite), on the database this process already has open (never opening one).
 */
export async function notifyDb(channel: string): Promise<void> {
  await holder.__switchboardDb?.notify?.(channel);
}

export async function closeDb(): Promise<void> {
  const h = holder.__switchboardDb;
  holder.__switchboardDb = undefined;
  opening = undefined;
  if (h) await h.close();
}

async function applyMigrations(h: Handle): Promise<void> {
  if (h.mode === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the driver-specific database type
    await migrate(h.db as any, { migrationsFolder });
    return;
  }
  // Several app instances may start at once: serialise migrations with an advisory lock
  // held on one dedicated connection.
  const cfg = config();
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const client = postgres(cfg.databaseUrl as string, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(727274)`;
    await migrate(drizzle({ client }), { migrationsFolder });
    await client`select pg_advisory_unlock(727274)`;
  } finally {
    await client.end({ timeout: 5 });
  }
}
