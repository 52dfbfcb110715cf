import { hostname } from "node:os";
import { and, eq, inArray, sql } from "drizzle-orm";
import { type Executor, getDb } from "@/lib/db";
import { campaigns, type Message, messageAttempts, messages, type Provider } from "@/lib/db/schema";
import { log } from "@/lib/logger";
import { adapterFor } from "@/lib/providers/registry";
import { ProviderError, type SmsAdapter } from "@/lib/providers/types";
import { reserveBudget, settleBudget } from "@/lib/services/budgets/reserve";
import { consentChecker } from "@/lib/services/consent/opt-outs";
import { readCircuits } from "@/lib/services/providers/circuit";
import { listProviderRows } from "@/lib/services/providers/providers";
import { type ClaimedMessage, claimGroup, type GroupTarget } from "./claim";
import { addMessageEvents, type MessageEventRow } from "./events";
import { Lane } from "./lane";
import { callProvider, costOf } from "./provider-call";

/** Thrown when no provider could take the message this time; the job retries with backoff. */
export class NoProviderAvailable extends Error {}

export type DeliveryOutcome =
  | { status: "sent"; providerId: string; providerMessageId: string | null }
  | { status: "failed"; error: string }
  | { status: "skipped"; reason: string };

/** A group member's outcome; `unavailable`: no provider could take it now (it is queued again). */
export type GroupOutcome = DeliveryOutcome | { status: "unavailable"; error: string };

export interface GroupResult {
  /** Messages the group claimed (including orphans of a crashed run). */
  claimed: number;
  outcomes: Map<string, GroupOutcome>;
}

/** Categories where a message interrupted mid-call is sent again rather than held (a late OTP is useless). */
const RESEND_INTERRUPTED = new Set(["otp", "transactional"]);

/** Provider calls in flight at once within a group unless the caller says otherwise. */
const DEFAULT_CONCURRENCY = 20;

type Final =
  | {
      kind: "sent";
      m: Message;
      p: Provider;
      providerMessageId: string | null;
      cost: number;
      currency: string;
      sentAt: Date;
    }
  | { kind: "failed" | "rejected" | "queued"; m: Message; error: string };

interface Attempt {
  m: Message;
  p: Provider;
  outcome: "success" | "failure";
  durationMs: number;
  error?: string;
  response?: unknown;
}

/** Which process sent a message (host:pid), recorded on its `sent` event: many instances share campaigns. */
const INSTANCE = `${hostname()}:${process.pid}`;

/** What the group writes when it is done, in one transaction. */
class Ledger {
  readonly events: MessageEventRow[] = [];
  readonly attempts: Attempt[] = [];
  readonly finals: Final[] = [];
  event(m: Message, type: string, data?: Record<string, unknown>) {
    this.events.push({ orgId: m.orgId, messageId: m.id, type, data: data ?? null });
  }
}

/**
 * Delivers a group of messages: one claim, one consent query and one provider
 * read per organisation and channel, one circuit read, daily-limit capacity
 * reserved per provider in one conditional UPDATE, provider calls with bounded
 * concurrency and failover per message exactly as for a single send, then the
 * attempts, status changes and events of the whole group in one transaction.
 */
export async function deliverGroup(
  target: GroupTarget,
  opts: { concurrency?: number } = {},
): Promise<GroupResult> {
  const db = await getDb();
  const claimed = await claimGroup(db, target);
  const outcomes = new Map<string, GroupOutcome>();
  if (claimed.length === 0) return { claimed: 0, outcomes };

  const live = await resolveClaimed(db, claimed, outcomes);
  const ledger = new Ledger();
  const consented = await checkConsent(db, live, ledger, outcomes);
  // Budgets (SPEC §8): each message's estimated cost is reserved against the
  // period's budgets in one conditional UPDATE per budget before any provider
  // call; a hard-stop budget refuses the marketing messages that no longer fit.
  const budget = await reserveBudget(
    db,
    consented.map((m) => ({
      id: m.id,
      orgId: m.orgId,
      channel: m.channel,
      category: m.category,
      estimatedCost: m.estimatedCost,
    })),
  );
  const ready: Message[] = [];
  const overBudget = new Set<string>();
  for (const m of consented) {
    if (budget.get(m.id)?.ok !== false) {
      ready.push(m);
      continue;
    }
    ledger.finals.push({ kind: "rejected", m, error: "budget_exceeded" });
    ledger.event(m, "rejected", { reason: "budget_exceeded" });
    outcomes.set(m.id, { status: "failed", error: "budget_exceeded" });
    if (m.campaignId) overBudget.add(m.campaignId);
  }
  const reserved = ready.filter((m) => {
    const r = budget.get(m.id);
    return r?.ok && r.budgetIds.length > 0;
  });
  const lanes = await openLanes(db, ready);

  // The first provider of each organisation and channel gets the group's
  // capacity up front, in one statement; a failover provider reserves when first needed.
  for (const [key, group] of groupBy(ready, laneKey)) {
    const first = lanes.get(key)?.find((l) => l.closed);
    if (first) await first.reserve(group.length);
  }
  let remaining = ready.length;
  const queue = [...ready];
  const worker = async () => {
    for (let m = queue.shift(); m; m = queue.shift()) {
      let outcome: GroupOutcome;
      try {
        outcome = await sendOne(m, lanes.get(laneKey(m)) ?? [], ledger, () => remaining);
      } catch (e) {
        // A fault of ours (not the provider's): the message goes back to the queue, the rest of the group goes on.
        const error = e instanceof Error ? e.message : String(e);
        log.error("delivery failed unexpectedly; will retry", { messageId: m.id, error });
        ledger.finals.push({ kind: "queued", m, error: "Delivery failed unexpectedly; will retry" });
        ledger.event(m, "retrying", { error: "internal error" });
        outcome = { status: "unavailable", error: "Delivery failed unexpectedly; will retry" };
      }
      remaining--;
      outcomes.set(m.id, outcome);
    }
  };
  const width = Math.max(1, Math.min(opts.concurrency ?? DEFAULT_CONCURRENCY, ready.length));
  await Promise.all(Array.from({ length: width }, worker));
  await writeLedger(db, ledger, [...lanes.values()].flat());
  // Reservations settle in one statement: what a sent message cost joins the
  // budget's spend, the rest is released.
  if (reserved.length) {
    const costs = new Map(
      ledger.finals.flatMap((f) => (f.kind === "sent" ? [[f.m.id, f.cost] as const] : [])),
    );
    await settleBudget(
      db,
      reserved.map((m) => ({ id: m.id, cost: costs.get(m.id) ?? null })),
    );
  }
  // A campaign that ran into a hard-stop budget pauses and says why.
  if (overBudget.size)
    await db
      .update(campaigns)
      .set({ status: "paused", pausedReason: "budget_exceeded" })
      .where(and(inArray(campaigns.id, [...overBudget]), eq(campaigns.status, "running")));
  return { claimed: claimed.length, outcomes };
}

const laneKey = (m: Pick<Message, "orgId" | "channel">) => `${m.orgId}:${m.channel}`;

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/**
 * Applies the crash policy to messages found mid-send (a run died during the
 * provider call): campaigns and OTP/transactional messages are sent again (a
 * campaign counts them in in_flight_at_crash), others are failed and held for
 * review. Writes the claim's events; answers the messages to send.
 */
async function resolveClaimed(
  db: Executor,
  claimed: ClaimedMessage[],
  outcomes: Map<string, GroupOutcome>,
): Promise<Message[]> {
  const live: Message[] = [];
  const held: Message[] = [];
  const crashed = new Map<string, number>();
  const events: MessageEventRow[] = [];
  const event = (m: Message, type: string, data?: Record<string, unknown>) =>
    events.push({ orgId: m.orgId, messageId: m.id, type, data: data ?? null });
  const heldError = "Interrupted during the provider call; held for review instead of risking a duplicate";
  for (const { message: m, previous } of claimed) {
    if (previous !== "sending") {
      event(m, "sending");
      live.push(m);
      continue;
    }
    if (m.campaignId) crashed.set(m.campaignId, (crashed.get(m.campaignId) ?? 0) + 1);
    if (m.campaignId || RESEND_INTERRUPTED.has(m.category)) {
      event(m, "interrupted", { action: "resend", reason: "process stopped during the provider call" });
      live.push(m);
    } else {
      event(m, "failed", { reason: "interrupted", error: heldError });
      held.push(m);
      outcomes.set(m.id, { status: "failed", error: "interrupted" });
    }
  }
  const write = async (tx: Executor) => {
    for (const [campaignId, n] of crashed) {
      await tx
        .update(campaigns)
        .set({ inFlightAtCrash: sql`${campaigns.inFlightAtCrash} + ${n}` })
        .where(eq(campaigns.id, campaignId));
    }
    if (held.length) {
      await tx
        .update(messages)
        .set({ status: "failed", error: heldError })
        .where(
          inArray(
            messages.id,
            held.map((m) => m.id),
          ),
        );
    }
    await addMessageEvents(tx, events);
  };
  if (crashed.size || held.length) await db.transaction(write);
  else await write(db);
  return live;
}

/**
 * Consent may have been withdrawn since the message was accepted (schedules,
 * retries): every recipient is checked again, one query per organisation and
 * channel. A `to` that no longer consents stops the message; a cc or bcc that
 * no longer does is left out of this send, and the event says so.
 */
async function checkConsent(
  db: Executor,
  live: Message[],
  ledger: Ledger,
  outcomes: Map<string, GroupOutcome>,
): Promise<Message[]> {
  const ready: Message[] = [];
  for (const group of groupBy(live, laneKey).values()) {
    const [{ orgId, channel }] = group as [Message];
    const addresses = group.flatMap((m) => [m.to, ...(m.cc ?? []), ...(m.bcc ?? [])]);
    const consent = await consentChecker(db, orgId, channel, addresses);
    for (const original of group) {
      const verdict = consent(original.to, original.category);
      if (!verdict.ok) {
        ledger.finals.push({ kind: "rejected", m: original, error: verdict.reason });
        ledger.event(original, "rejected", { reason: verdict.code, detail: verdict.reason });
        outcomes.set(original.id, { status: "failed", error: verdict.reason });
        continue;
      }
      let m = original;
      const copies = [...(m.cc ?? []), ...(m.bcc ?? [])];
      const removed = copies.filter((a) => !consent(a, original.category).ok);
      if (removed.length) {
        const keep = (list: string[] | null) => list?.filter((a) => consent(a, original.category).ok) ?? null;
        m = { ...original, cc: keep(original.cc), bcc: keep(original.bcc) };
        ledger.event(m, "recipients_removed", { reason: "no longer consent", addresses: removed });
      }
      ready.push(m);
    }
  }
  return ready;
}

/** The enabled providers of each organisation and channel in the group, in priority order, with their circuits. */
async function openLanes(db: Executor, ready: Message[]): Promise<Map<string, Lane[]>> {
  const lanes = new Map<string, Lane[]>();
  const rows = new Map<string, Provider[]>();
  for (const [key, group] of groupBy(ready, laneKey)) {
    const [{ orgId, channel }] = group as [Message];
    rows.set(
      key,
      (await listProviderRows(db, orgId, channel)).filter((p) => p.enabled),
    );
  }
  const circuits = await readCircuits(
    db,
    [...rows.values()].flat().map((p) => p.id),
  );
  for (const [key, providers] of rows) {
    lanes.set(
      key,
      providers.map((p) => new Lane(db, p, circuits.get(p.id) ?? null)),
    );
  }
  return lanes;
}

/** One message through its providers in priority order, failing over as a single send does. */
async function sendOne(
  m: Message,
  lanes: Lane[],
  ledger: Ledger,
  remaining: () => number,
): Promise<GroupOutcome> {
  const skipped: string[] = [];
  let lastError: string | null = null;
  for (const lane of lanes) {
    const p = lane.provider;
    if (m.mediaUrls?.length && m.channel === "sms" && !(adapterFor(p.type) as SmsAdapter).supportsMms) {
      skipped.push(`${p.name}: no MMS`);
      continue;
    }
    const pass = await lane.enter();
    if (!pass) {
      skipped.push(`${p.name}: circuit open`);
      continue;
    }
    if (!(await lane.take(remaining()))) {
      pass.leave();
      skipped.push(`${p.name}: daily limit reached`);
      continue;
    }
    // budget reservation hooks in here (issue 9) for a message that fails over
    // to a provider whose price differs from the estimate.
    const started = Date.now();
    try {
      const result = await lane.call(() => callProvider(p, m));
      ledger.attempts.push({
        m,
        p,
        outcome: "success",
        durationMs: Date.now() - started,
        response: result.response,
      });
      await lane.succeeded(pass);
      const { cost, currency } = costOf(m, p, result);
      ledger.finals.push({
        kind: "sent",
        m,
        p,
        providerMessageId: result.providerMessageId,
        cost,
        currency,
        sentAt: new Date(),
      });
      ledger.event(m, "sent", { provider_id: p.id, provider_type: p.type, instance: INSTANCE });
      // budget reservation hooks in here (issue 9): the outcome is known.
      return { status: "sent", providerId: p.id, providerMessageId: result.providerMessageId };
    } catch (e) {
      const err =
        e instanceof ProviderError ? e : new ProviderError(e instanceof Error ? e.message : String(e), true);
      lane.giveBack();
      ledger.attempts.push({
        m,
        p,
        outcome: "failure",
        durationMs: Date.now() - started,
        error: err.message,
      });
      lastError = `${p.name}: ${err.message}`;
      if (err.retryable) {
        await lane.failed(pass, err.message);
        continue;
      }
      pass.leave();
      ledger.finals.push({ kind: "failed", m, error: err.message });
      ledger.event(m, "failed", { provider_id: p.id, error: err.message });
      return { status: "failed", error: err.message };
    }
  }
  const reason =
    lastError ??
    (skipped.length
      ? `No provider available (${skipped.join("; ")})`
      : "No enabled provider for this channel");
  ledger.finals.push({ kind: "queued", m, error: reason });
  ledger.event(m, "retrying", { error: reason });
  log.warn("message not sent; will retry", { messageId: m.id, reason });
  return { status: "unavailable", error: reason };
}

/** The group's attempts, status changes, events and unused reservations, in one transaction. */
async function writeLedger(db: Executor, ledger: Ledger, lanes: Lane[]): Promise<void> {
  await db.transaction(async (tx) => {
    if (ledger.attempts.length) {
      await tx.insert(messageAttempts).values(
        ledger.attempts.map((a) => ({
          orgId: a.m.orgId,
          messageId: a.m.id,
          providerId: a.p.id,
          providerType: a.p.type,
          outcome: a.outcome,
          error: a.error ?? null,
          response: a.response ?? null,
          durationMs: a.durationMs,
        })),
      );
    }
    const sent = ledger.finals.flatMap((f) => (f.kind === "sent" ? [f] : []));
    if (sent.length) {
      const values = sql.join(
        sent.map(
          (f) =>
            sql`(${f.m.id}::uuid, ${f.p.id}::uuid, ${f.p.type}::provider_type, ${f.providerMessageId}::text, ${senderOf(f.m, f.p)}::text, ${f.sentAt.toISOString()}::timestamptz, ${f.cost}::numeric, ${f.currency}::text)`,
        ),
        sql`, `,
      );
      await tx.execute(sql`
        update messages m set status = 'sent', provider_id = v.provider_id, provider_type = v.provider_type,
          provider_message_id = v.provider_message_id, "from" = v.sender, sent_at = v.sent_at,
          cost = v.cost, currency = v.currency, error = null, updated_at = now()
        from (values ${values}) as v(id, provider_id, provider_type, provider_message_id, sender, sent_at, cost, currency)
        where m.id = v.id and m.status = 'sending'`);
    }
    const others = ledger.finals.flatMap((f) => (f.kind === "sent" ? [] : [f]));
    if (others.length) {
      const values = sql.join(
        others.map((f) => sql`(${f.m.id}::uuid, ${f.kind}::message_status, ${f.error}::text)`),
        sql`, `,
      );
      await tx.execute(sql`
        update messages m set status = v.status, error = v.error, updated_at = now()
        from (values ${values}) as v(id, status, error)
        where m.id = v.id and m.status = 'sending'`);
    }
    await addMessageEvents(tx, ledger.events);
    for (const lane of lanes) await lane.settle(tx);
  });
}

function senderOf(m: Message, p: Provider): string | null {
  return m.channel === "email" ? (p.sender.email ?? null) : (p.sender.phone ?? p.sender.sender_id ?? null);
}
