import { and, eq, inArray, lte, or, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { type Provider, type ProviderCircuit, providerCircuits } from "@/lib/db/schema";

/** A half-open trial not reported back within this time (crashed instance) may be handed out again. */
const TRIAL_LEASE_MS = 60_000;

/** The stored circuits of these providers (a provider never tried has none: closed). */
export async function readCircuits(
  db: Executor,
  providerIds: string[],
): Promise<Map<string, ProviderCircuit>> {
  if (providerIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(providerCircuits)
    .where(inArray(providerCircuits.providerId, providerIds));
  return new Map(rows.map((r) => [r.providerId, r]));
}

/**
 * May this provider be tried now? Closed: yes. Open: only once reset_timeout_s
 * has passed, and then for exactly one caller across all instances (the
 * half-open trial), taken with a conditional UPDATE.
 */
export async function acquireCircuit(
  db: Executor,
  provider: Provider,
  now = new Date(),
  known?: ProviderCircuit | null,
): Promise<boolean> {
  const circuit =
    known === undefined
      ? (await db.select().from(providerCircuits).where(eq(providerCircuits.providerId, provider.id)))[0]
      : known;
  if (!circuit || circuit.state === "closed") return true;
  const reopenAt = new Date(now.getTime() - provider.resetTimeoutS * 1000);
  const staleTrial = new Date(now.getTime() - TRIAL_LEASE_MS);
  const taken = await db
    .update(providerCircuits)
    .set({ state: "half_open", trialStartedAt: now, updatedAt: now })
    .where(
      and(
        eq(providerCircuits.providerId, provider.id),
        or(
          and(eq(providerCircuits.state, "open"), lte(providerCircuits.openedAt, reopenAt)),
          and(eq(providerCircuits.state, "half_open"), lte(providerCircuits.trialStartedAt, staleTrial)),
        ),
      ),
    )
    .returning({ id: providerCircuits.providerId });
  return taken.length > 0;
}

/** A success closes the circuit and clears the failure count. */
export async function recordCircuitSuccess(
  db: Executor,
  providerId: string,
  now = new Date(),
): Promise<void> {
  await db
    .insert(providerCircuits)
    .values({ providerId, state: "closed", failureCount: 0, lastSuccessAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: providerCircuits.providerId,
      set: { state: "closed", failureCount: 0, trialStartedAt: null, lastSuccessAt: now, updatedAt: now },
    });
}

/**
 * A failure that may succeed elsewhere counts against the provider: the circuit
 * opens at failure_threshold consecutive failures, and at once when a half-open
 * trial fails. Answers the circuit's state afterwards.
 */
export async function recordCircuitFailure(
  db: Executor,
  provider: Provider,
  error: string,
  now = new Date(),
): Promise<ProviderCircuit["state"]> {
  const threshold = provider.failureThreshold;
  const opens = sql`(${providerCircuits.state} = 'half_open' or ${providerCircuits.failureCount} + 1 >= ${threshold})`;
  const rows = await db
    .insert(providerCircuits)
    .values({
      providerId: provider.id,
      state: threshold <= 1 ? "open" : "closed",
      failureCount: 1,
      openedAt: threshold <= 1 ? now : null,
      lastError: error,
      lastFailureAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: providerCircuits.providerId,
      set: {
        failureCount: sql`${providerCircuits.failureCount} + 1`,
        state: sql`case when ${opens} then 'open'::circuit_state else ${providerCircuits.state} end`,
        openedAt: sql`case when ${opens} and ${providerCircuits.state} <> 'open' then ${now.toISOString()}::timestamptz else ${providerCircuits.openedAt} end`,
        trialStartedAt: null,
        lastError: error,
        lastFailureAt: now,
        updatedAt: now,
      },
    })
    .returning({ state: providerCircuits.state });
  return rows[0]?.state ?? "open";
}

/** The circuit as the API shows it; a provider never tried is closed. */
export function circuitView(c: ProviderCircuit | null | undefined) {
  return {
    state: c?.state ?? ("closed" as const),
    failure_count: c?.failureCount ?? 0,
    opened_at: c?.openedAt?.toISOString() ?? null,
    last_error: c?.lastError ?? null,
    last_failure_at: c?.lastFailureAt?.toISOString() ?? null,
    last_success_at: c?.lastSuccessAt?.toISOString() ?? null,
  };
}
