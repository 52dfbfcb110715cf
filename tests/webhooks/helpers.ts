import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { and, count, eq } from "drizzle-orm";
import * as emailSend from "@/app/api/v1/email/send/route";
import * as providersRoute from "@/app/api/v1/providers/route";
import * as smsSend from "@/app/api/v1/sms/send/route";
import { getDb } from "@/lib/db";
import { type Message, messageEvents, messages, suppressions, webhookEvents } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { call, makeKey, makeOrg } from "../factories";

type Handler = (req: Request, ctx: { params: Promise<{ providerId: string }> }) => Promise<Response>;

/** An organisation with an admin key and one provider of the type, created through the API (priority 1). */
export async function orgWithProvider(body: {
  type: string;
  sender: Record<string, string>;
  config: Record<string, unknown>;
  credentials: Record<string, unknown>;
}) {
  const { orgId } = await makeOrg();
  const key = await makeKey(orgId);
  const res = await call(providersRoute.POST, {
    method: "POST",
    key,
    body: { name: `${body.type} under test`, priority: 1, cost_per_unit: 0.01, ...body },
  });
  if (res.status !== 201) throw new Error(`provider not created: ${JSON.stringify(res.json)}`);
  return { orgId, key, providerId: res.json.id as string };
}

/** Sends through the real path (API, job runner, adapter against the double) and returns the stored message. */
export async function sendThrough(channel: "email" | "sms", key: string, to: string): Promise<Message> {
  const res =
    channel === "email"
      ? await call(emailSend.POST, { method: "POST", key, body: { to, subject: "Hello", text: "Hi there" } })
      : await call(smsSend.POST, { method: "POST", key, body: { to, message: "Hi there" } });
  if (res.status !== 202) throw new Error(`send refused: ${JSON.stringify(res.json)}`);
  await drainJobs();
  const m = await messageRow(res.json.id);
  if (m.status !== "sent") throw new Error(`message is ${m.status}: ${m.error}`);
  return m;
}

/** A second send to the address, as the API answers it (422 once suppressed or opted out). */
export async function sendAgain(channel: "email" | "sms", key: string, to: string) {
  return channel === "email"
    ? call(emailSend.POST, { method: "POST", key, body: { to, subject: "Again", text: "Hi again" } })
    : call(smsSend.POST, { method: "POST", key, body: { to, message: "Hi again" } });
}

export async function messageRow(id: string): Promise<Message> {
  const db = await getDb();
  const [m] = await db.select().from(messages).where(eq(messages.id, id));
  if (!m) throw new Error(`no message ${id}`);
  return m;
}

export async function webhookEventCount(orgId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.orgId, orgId));
  return row?.n ?? 0;
}

/** How many timeline events of a type a message has (a status change adds one). */
export async function eventCount(messageId: string, type: string): Promise<number> {
  const db = await getDb();
  const [row] = await db
    .select({ n: count() })
    .from(messageEvents)
    .where(and(eq(messageEvents.messageId, messageId), eq(messageEvents.type, type)));
  return row?.n ?? 0;
}

export async function suppressionOf(orgId: string, address: string) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(suppressions)
    .where(and(eq(suppressions.orgId, orgId), eq(suppressions.address, address.toLowerCase())));
  return row ?? null;
}

export async function inboundMessages(orgId: string) {
  const db = await getDb();
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.orgId, orgId), eq(messages.direction, "inbound")));
}

/** Calls a webhook route handler as Next.js would, with the URL the provider called. */
export async function hit(
  handler: Handler,
  providerId: string,
  opts: { url: string; method?: string; headers?: Record<string, string>; body?: string | Buffer },
) {
  const req = new Request(opts.url, {
    method: opts.method ?? "POST",
    headers: opts.headers,
    body:
      opts.body === undefined
        ? undefined
        : typeof opts.body === "string"
          ? opts.body
          : new Uint8Array(opts.body),
  });
  const res = await handler(req, { params: Promise.resolve({ providerId }) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  return { status: res.status, json: json as any };
}

export const webhookUrl = (provider: string, id: string, query = "") =>
  `http://localhost/api/webhooks/${provider}/${id}${query}`;

/** A vector from ../shared/testdata, or null (the caller skips, saying why) when the checkout has no shared/. */
export function sharedVector<T>(file: string): T | null {
  const full = path.resolve(import.meta.dirname, "../../../shared/testdata/webhook-signatures", file);
  return existsSync(full) ? (JSON.parse(readFileSync(full, "utf8")) as T) : null;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A small deterministic PRNG, so a failing fuzz case can be replayed. */
export function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T,
  };
}
