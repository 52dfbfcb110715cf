import { relations } from "drizzle-orm";
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { PROVIDER_TYPES, type Sender } from "@/lib/providers/types";
import { id, timestamps } from "./_columns";
import { organisations } from "./organisations";

export const channelEnum = pgEnum("channel", ["email", "sms"]);
export const providerTypeEnum = pgEnum("provider_type", PROVIDER_TYPES);
export const circuitStateEnum = pgEnum("circuit_state", ["closed", "open", "half_open"]);

export const providers = pgTable(
  "providers",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    type: providerTypeEnum().notNull(),
    channel: channelEnum().notNull(),
    /** 1 is tried first. */
    priority: integer().notNull().default(50),
    enabled: boolean().notNull().default(true),
    isDefault: boolean().notNull().default(false),
    dailyLimit: integer(),
    /** Per email, or per SMS segment. */
    costPerUnit: numeric({ precision: 12, scale: 6, mode: "number" }).notNull().default(0),
    currency: text().notNull().default("USD"),
    failureThreshold: integer().notNull().default(5),
    resetTimeoutS: integer().notNull().default(60),
    sender: jsonb().$type<Sender>().notNull().default({}),
    config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** AES-256-GCM under APP_ENCRYPTION_KEY; null for providers without credentials. */
    credentialsEncrypted: text(),
    /**
     * Generation of the secret token a callback URL carries, for providers that
     * sign nothing (Africa's Talking): rotating bumps it, and the old URL stops working.
     */
    webhookTokenVersion: integer().notNull().default(0),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("providers_org_name_key").on(t.orgId, t.name),
    index("providers_org_channel_priority_idx").on(t.orgId, t.channel, t.priority),
  ],
);

/** Circuit-breaker state, shared by every app instance. */
export const providerCircuits = pgTable("provider_circuits", {
  providerId: uuid()
    .primaryKey()
    .references(() => providers.id, { onDelete: "cascade" }),
  state: circuitStateEnum().notNull().default("closed"),
  /** Consecutive failures that may succeed elsewhere. */
  failureCount: integer().notNull().default(0),
  openedAt: timestamp({ withTimezone: true, precision: 3 }),
  /** When the half-open trial was handed out; a stale trial may be handed out again. */
  trialStartedAt: timestamp({ withTimezone: true, precision: 3 }),
  lastError: text(),
  lastFailureAt: timestamp({ withTimezone: true, precision: 3 }),
  lastSuccessAt: timestamp({ withTimezone: true, precision: 3 }),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/** Messages handed to a provider per UTC day, against its daily limit. */
export const providerDailyUsage = pgTable(
  "provider_daily_usage",
  {
    providerId: uuid()
      .notNull()
      .references(() => providers.id, { onDelete: "cascade" }),
    day: date({ mode: "string" }).notNull(),
    sent: integer().notNull().default(0),
  },
  (t) => [primaryKey({ name: "provider_daily_usage_pkey", columns: [t.providerId, t.day] })],
);

export const providersRelations = relations(providers, ({ one }) => ({
  circuit: one(providerCircuits, { fields: [providers.id], references: [providerCircuits.providerId] }),
}));

export type Provider = typeof providers.$inferSelect;
export type ProviderCircuit = typeof providerCircuits.$inferSelect;
