import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createStripeApi,
  decodeForm,
  type Obj,
  type Params,
  type PriceInput,
  rid,
  type StripeEvent,
  StripeFail,
} from "./stripe-double-api";

// A local stand-in for the Stripe API (v1, form-encoded requests, JSON answers)
// for tests and e2e: it checks the secret key, keeps objects in memory
// (tests/stripe-double-api.ts), honours Idempotency-Key the way Stripe does
// (a replay with Idempotent-Replayed, or idempotency_error for other
// parameters), records every request for tests to inspect, and can drop a
// connection after doing the work to imitate a network failure.

export type { Obj, StripeEvent };

export interface StripeRequest {
  method: string;
  path: string;
  query: Params;
  form: Params;
  raw: string;
  headers: IncomingHttpHeaders;
  idempotencyKey: string | undefined;
  replayed: boolean;
}

export interface StripeDouble {
  url: string;
  port: number;
  secretKey: string;
  requests: StripeRequest[];
  /** Events Stripe would have sent for what happened, oldest first. */
  events: StripeEvent[];
  /** Requests to a path ("POST /v1/customers") do the work, then drop the connection, `times` times. */
  dropAfterWork(methodAndPath: string, times?: number): void;
  /** Forgets drops still pending. */
  stopDropping(): void;
  /** Changes a stored object behind the app's back, as a dashboard user (with its webhook lost) would. */
  mutate(id: string, patch: Params): Obj;
  get(id: string): Obj | undefined;
  /** Marks a payment intent paid (its charge succeeds) and records payment_intent.succeeded. */
  succeedPaymentIntent(id: string): Obj;
  /** Refunds part of a payment intent's charge and records charge.refunded. */
  refund(paymentIntentId: string, amount: number): Obj;
  /** A Stripe event for an object (as given), created at `created` (seconds). */
  event(type: string, object: Obj, created?: number): StripeEvent;
  addPrice(price: PriceInput): void;
  /** Tax added to invoices, as Stripe Tax would: percent of the discounted subtotal. */
  taxPercent: number;
  last(methodAndPath?: string): StripeRequest;
  reset(): void;
  close(): Promise<void>;
}

export async function startStripeDouble(
  opts: { port?: number; secretKey?: string } = {},
): Promise<StripeDouble> {
  const secretKey = opts.secretKey ?? "sk_test_double";
  const requests: StripeRequest[] = [];
  const drops = new Map<string, number>();
  const idempotency = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  let base = "";
  let taxPercent = 0;
  const api = createStripeApi({ baseUrl: () => base, taxPercent: () => taxPercent });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://double.local");
      const method = req.method ?? "GET";
      const header = req.headers["idempotency-key"];
      const key = typeof header === "string" ? header : undefined;
      const form = method === "POST" ? decodeForm(raw) : {};
      const query = decodeForm(url.search.slice(1));
      const recorded: StripeRequest = {
        method,
        path: url.pathname,
        query,
        form,
        raw,
        headers: req.headers,
        idempotencyKey: key,
        replayed: false,
      };
      requests.push(recorded);
      const requestId = rid("req");
      const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
        const dropKey = `${method} ${url.pathname}`;
        const pending = drops.get(dropKey) ?? 0;
        if (pending > 0) {
          // The work is done (or replayed) but the answer never arrives: a network failure.
          drops.set(dropKey, pending - 1);
          req.socket.destroy();
          return;
        }
        res.writeHead(status, { "content-type": "application/json", "request-id": requestId, ...extra });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${secretKey}`) {
        send(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
        return;
      }
      const fingerprint = createHash("sha256").update(`${method} ${url.pathname} ${raw}`).digest("hex");
      const seen = method === "POST" && key ? idempotency.get(key) : undefined;
      if (seen && seen.fingerprint !== fingerprint) {
        send(400, {
          error: {
            type: "idempotency_error",
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          },
        });
        return;
      }
      if (seen) {
        recorded.replayed = true;
        send(seen.status, seen.body, { "idempotent-replayed": "true", "original-request": requestId });
        return;
      }
      let status = 200;
      let body: unknown;
      try {
        body = api.during({ id: requestId, key: key ?? null }, () =>
          api.route(method, url.pathname, { ...query, ...form }),
        );
      } catch (e) {
        if (!(e instanceof StripeFail)) throw e;
        status = e.status;
        body = { error: e.body };
      }
      if (method === "POST" && key) idempotency.set(key, { fingerprint, status, body });
      send(status, body);
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    port,
    secretKey,
    requests,
    events: api.events,
    get taxPercent() {
      return taxPercent;
    },
    set taxPercent(v: number) {
      taxPercent = v;
    },
    dropAfterWork(methodAndPath, times = 1) {
      drops.set(methodAndPath, (drops.get(methodAndPath) ?? 0) + times);
    },
    stopDropping() {
      drops.clear();
    },
    mutate: api.mutate,
    get: api.get,
    succeedPaymentIntent: api.succeedPaymentIntent,
    refund: api.refund,
    event: api.event,
    addPrice: api.addPrice,
    last(methodAndPath) {
      const r = [...requests]
        .reverse()
        .find((x) => !methodAndPath || `${x.method} ${x.path}` === methodAndPath);
      if (!r) throw new Error(`the double received no request${methodAndPath ? ` ${methodAndPath}` : ""}`);
      return r;
    },
    reset() {
      requests.length = 0;
      api.events.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

/** Points the app's Stripe configuration at a double (call before anything reads the config). */
export function useStripeDouble(double: StripeDouble, webhookSecret = "whsec_test_double"): void {
  process.env.STRIPE_SECRET_KEY = double.secretKey;
  process.env.STRIPE_API_BASE = double.url;
  process.env.STRIPE_WEBHOOK_SECRET = webhookSecret;
}
