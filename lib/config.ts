import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** Empty strings in the environment mean "unset", as a shell user expects. */
const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  APP_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url().optional()),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection URL")
      .optional(),
  ),
  AUTH_SECRET: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().min(32, "must be at least 32 characters").optional(),
  ),
  APP_ENCRYPTION_KEY: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .refine(
        (v) => /^[0-9a-fA-F]{64}$/.test(v) || Buffer.from(v, "base64").length === 32,
        "must be 32 bytes as 64 hex characters or base64",
      )
      .optional(),
  ),
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_SIGNING_KEY: optionalString,
  // Inngest's SDK spec (4.2.1): `1` for a dev server on localhost:8288, or that server's origin.
  INNGEST_DEV: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .refine(
        (v) => v === "0" || v === "1" || /^https?:\/\/[^/\s]+\/?$/.test(v),
        "must be 0, 1 or the dev server's origin, e.g. http://localhost:8288",
      )
      .optional(),
  ),
  /** Where the Inngest SDK sends events and syncs (a self-hosted server or a proxy); read by the SDK itself. */
  INNGEST_BASE_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url().optional()),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_API_BASE: z.preprocess((v) => (v === "" ? undefined : v), z.url().optional()),
  API_RATE_LIMIT_PER_SECOND: z.coerce.number().int().positive().default(100),
  API_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(64),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  API_QUEUE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  DELIVERY_POLL_AFTER_MINUTES: z.coerce.number().int().min(1).max(10_080).default(30),
  JOB_LEASE_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),
  EGRESS_ALLOW_PRIVATE: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["0", "1"]).default("0")),
  TRUST_PROXY: z.coerce.number().int().min(0).max(32).default(0),
  JOB_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(250),
  WEB_RUNS_JOBS: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["0", "1"]).default("1")),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  appUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Connections this process opens to Postgres at most. */
  databasePoolSize: number;
  databaseMode: "postgres" | "pglite";
  jobsMode: "inngest" | "embedded";
  authSecret: string;
  encryptionKey: Buffer;
  inngest: { eventKey?: string; signingKey?: string; dev: boolean };
  stripe: { secretKey?: string; webhookSecret?: string; apiBase?: string };
  apiRateLimitPerSecond: number;
  /** /api/v1 requests worked on at once per process; more wait up to apiQueueMs, then 503. */
  apiMaxInFlight: number;
  apiQueueMs: number;
  logLevel: Env["LOG_LEVEL"];
  /** Messages still `sent` (or `sending`) this long after sending are looked up at their provider. */
  deliveryPollAfterMinutes: number;
  /**
   * How long a claimed background job (and a message in `sending`) belongs to
   * the process that took it; a crashed process's work is resumed after this.
   * Must exceed the slowest provider call.
   */
  jobLeaseSeconds: number;
  /**
   * Outbound calls (providers, SMTP, media URLs) may reach loopback and private
   * addresses: local relays and test doubles. Link-local and cloud metadata
   * addresses stay refused whatever this says.
   */
  egressAllowPrivate: boolean;
  /**
   * How many reverse proxies in front of the app append to X-Forwarded-For.
   * 0: the client is the TCP peer and X-Forwarded-For is ignored.
   */
  trustProxy: number;
  /**
   * Whether `npm start` also runs the embedded job runner (delivery, campaigns,
   * crons). 0 on Postgres: the web process only accepts, and `npm run worker`
   * processes deliver, so delivery never runs on a request's thread.
   */
  webRunsJobs: boolean;
  /** How often the embedded runner looks for due jobs when nothing woke it. */
  jobPollMs: number;
}

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses an environment; throws ConfigError naming each bad variable. */
export function parseEnv(env: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`),
    );
  }
  if (result.data.WEB_RUNS_JOBS === "0" && !result.data.DATABASE_URL) {
    throw new ConfigError([
      "WEB_RUNS_JOBS: 0 needs DATABASE_URL (Postgres): the embedded database admits one process, so its jobs run in the web process",
    ]);
  }
  return result.data;
}

/**
 * A secret read from the environment or, when absent, generated once into
 * DATA_DIR so that embedded installs need no configuration and survive restarts.
 */
function persistedSecret(dataDir: string, file: string, fromEnv: string | undefined, bytes: number): string {
  if (fromEnv) return fromEnv;
  const full = path.join(dataDir, file);
  if (existsSync(full)) return readFileSync(full, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(bytes).toString("base64");
  writeFileSync(full, `${value}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(full, 0o600);
  return value;
}

function decodeKey(raw: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
}

let cached: Config | undefined;

/** The process configuration, parsed from process.env on first use. */
export function config(): Config {
  if (cached) return cached;
  const env = parseEnv(process.env);
  const dataDir = path.resolve(env.DATA_DIR);
  const dev = env.INNGEST_DEV !== undefined && env.INNGEST_DEV !== "0";
  const jobsMode = dev || (env.INNGEST_EVENT_KEY && env.INNGEST_SIGNING_KEY) ? "inngest" : "embedded";
  cached = {
    port: env.PORT,
    appUrl: env.APP_URL?.replace(/\/$/, ""),
    dataDir,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseMode: env.DATABASE_URL ? "postgres" : "pglite",
    jobsMode,
    authSecret: persistedSecret(dataDir, "auth-secret", env.AUTH_SECRET, 48),
    encryptionKey: decodeKey(persistedSecret(dataDir, "encryption-key", env.APP_ENCRYPTION_KEY, 32)),
    inngest: {
      eventKey: env.INNGEST_EVENT_KEY,
      signingKey: env.INNGEST_SIGNING_KEY,
      dev,
    },
    stripe: {
      secretKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      apiBase: env.STRIPE_API_BASE,
    },
    apiRateLimitPerSecond: env.API_RATE_LIMIT_PER_SECOND,
    apiMaxInFlight: env.API_MAX_IN_FLIGHT,
    apiQueueMs: env.API_QUEUE_MS,
    logLevel: env.LOG_LEVEL,
    deliveryPollAfterMinutes: env.DELIVERY_POLL_AFTER_MINUTES,
    jobLeaseSeconds: env.JOB_LEASE_SECONDS,
    egressAllowPrivate: env.EGRESS_ALLOW_PRIVATE === "1",
    trustProxy: env.TRUST_PROXY,
    webRunsJobs: env.WEB_RUNS_JOBS === "1",
    jobPollMs: env.JOB_POLL_MS,
  };
  return cached;
}
