import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { organisations, type Role } from "@/lib/db/schema";
import { createApiKey } from "@/lib/services/api-keys/keys";
import { type Ctx, systemCtx } from "@/lib/services/context";
import { findOrCreateOrganisation } from "@/lib/services/orgs/organisations";
import { provisionUser } from "@/lib/services/users/accounts";

export const uniq = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * A fresh organisation with a unique name, and an operator context for it.
 * Its quiet hours are off unless `quietHours` is asked for: with the default
 * 21:00–08:00 window a marketing SMS to the fixtures' +1 202 numbers waits
 * whenever the suite runs between 02:00 and 13:00 UTC, so a test that is not
 * about quiet hours would pass or fail by the clock. Tests of quiet hours ask
 * for the product default and fix the time.
 */
export async function makeOrg(
  opts: { quietHours?: boolean } = {},
): Promise<{ orgId: string; name: string; ctx: Ctx }> {
  const db = await getDb();
  const org = await db.transaction((tx) => findOrCreateOrganisation(tx, uniq("Org")));
  if (!opts.quietHours)
    await db
      .update(organisations)
      .set({ quietHoursStart: "00:00", quietHoursEnd: "00:00" })
      .where(eq(organisations.id, org.id));
  return { orgId: org.id, name: org.name, ctx: systemCtx(org.id, "test") };
}

/** An API key with the role in the organisation. */
export async function makeKey(orgId: string, role: Role = "admin"): Promise<string> {
  const { key } = await createApiKey({ ctx: systemCtx(orgId, "test"), input: { name: uniq("key"), role } });
  return key;
}

export async function makeUser(orgName: string, role: Role = "admin") {
  const email = `${uniq("user")}@example.test`;
  const password = "correct horse battery";
  const r = await provisionUser({ email, password, org: orgName, role });
  return { ...r, email, password };
}

type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls a route handler as Next.js would, returning status, headers and parsed JSON. */
export async function call(
  handler: RouteHandler,
  opts: {
    method?: string;
    path?: string;
    key?: string;
    body?: unknown;
    rawBody?: string;
    params?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
) {
  const headers = new Headers(opts.headers);
  if (opts.key) headers.set("authorization", `Bearer ${opts.key}`);
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(opts.body);
  }
  const req = new Request(`http://localhost/api/v1${opts.path ?? "/"}`, {
    method: opts.method ?? "GET",
    headers,
    body,
  });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  const json: any = text ? JSON.parse(text) : null;
  return { status: res.status, headers: res.headers, json };
}
