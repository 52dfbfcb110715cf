import { existsSync } from "node:fs";
import path from "node:path";
import { operations } from "@/lib/api/openapi";

// Every /api/v1 operation with its route handler, for sweeps over the whole API.

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const v1 = path.resolve(import.meta.dirname, "../app/api/v1");
const ID = "00000000-0000-4000-8000-000000000000";

/** Each operation with its route module's handler, path parameters filled with a well-formed id. */
export async function routed() {
  const out: {
    name: string;
    op: (typeof operations)[number];
    handler: Handler;
    params: Record<string, string>;
  }[] = [];
  for (const op of operations) {
    const file = path.join(v1, op.path.replace(/\{(\w+)\}/g, "[$1]"), "route.ts");
    if (!existsSync(file)) throw new Error(`no route file for ${op.method} ${op.path}`);
    const handler = ((await import(file)) as Record<string, Handler | undefined>)[op.method];
    if (!handler) throw new Error(`${file} has no ${op.method}`);
    // The first candidate the operation's own schema accepts (Stripe-style ids for billing).
    const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const candidates = [ID, "cus_Test123", "sub_Test123", "in_Test123", "pi_Test123"];
    const id = candidates.find(
      (c) => op.params?.safeParse(Object.fromEntries(names.map((n) => [n, c]))).success,
    );
    const params = Object.fromEntries(names.map((n) => [n, id ?? ID]));
    out.push({ name: `${op.method} ${op.path}`, op, handler, params });
  }
  return out;
}

export async function send(
  handler: Handler,
  key: string,
  init: { method: string; url: string; body?: string; contentType?: string },
  params = {},
) {
  const res = await handler(
    new Request(init.url, {
      method: init.method,
      headers: { authorization: `Bearer ${key}`, "content-type": init.contentType ?? "application/json" },
      body: init.body,
    }),
    { params: Promise.resolve(params) },
  );
  return { status: res.status, json: await res.json().catch(() => null) };
}
