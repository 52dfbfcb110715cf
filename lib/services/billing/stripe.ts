import { createHash, randomUUID } from "node:crypto";
import Stripe from "stripe";
import { config } from "@/lib/config";
import { AppError, type FieldIssue } from "@/lib/errors";
import { log } from "@/lib/logger";
import type { Ctx } from "@/lib/services/context";

export const BILLING_ENV_HELP =
  "Set STRIPE_SECRET_KEY (and STRIPE_WEBHOOK_SECRET to receive Stripe webhooks at /api/webhooks/stripe; " +
  "STRIPE_API_BASE only for a proxy or a test double), then restart Switchboard.";

/** The answer of every billing verb (or of the Stripe webhook) while its Stripe key is not set. */
export function billingNotConfigured(what: "api" | "webhooks" = "api"): AppError {
  if (what === "webhooks") {
    return new AppError(
      "billing_not_configured",
      "Stripe webhooks are not configured: set STRIPE_WEBHOOK_SECRET to the signing secret (whsec_…) of the " +
        "endpoint you added in Stripe for /api/webhooks/stripe, then restart Switchboard.",
      { env: ["STRIPE_WEBHOOK_SECRET"] },
      503,
    );
  }
  return new AppError(
    "billing_not_configured",
    `Billing is not configured. ${BILLING_ENV_HELP}`,
    { env: ["STRIPE_SECRET_KEY"] },
    503,
  );
}

export interface BillingStatus {
  configured: boolean;
  webhooks_configured: boolean;
  mode: "test" | "live" | null;
  api_base: string | null;
  help: string;
}

/** Whether Stripe keys are set, without revealing them. */
export function billingStatus(): BillingStatus {
  const { secretKey, webhookSecret, apiBase } = config().stripe;
  return {
    configured: Boolean(secretKey),
    webhooks_configured: Boolean(webhookSecret),
    mode: secretKey ? (secretKey.includes("_live_") ? "live" : "test") : null,
    api_base: apiBase ?? null,
    help: BILLING_ENV_HELP,
  };
}

/** host, port and protocol of STRIPE_API_BASE: the SDK always adds its own /v1/ path. */
function apiBaseOptions(apiBase: string | undefined) {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === "http:" ? ("http" as const) : ("https" as const);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port || (protocol === "http" ? "80" : "443"),
    protocol,
  };
}

let cached: { key: string; base: string | undefined; client: Stripe } | undefined;

/** The Stripe client configured from the environment, or billing_not_configured. */
export function stripe(): Stripe {
  const { secretKey, apiBase } = config().stripe;
  if (!secretKey) throw billingNotConfigured();
  if (cached?.key === secretKey && cached.base === apiBase) return cached.client;
  const client = new Stripe(secretKey, {
    // A request that dies on the wire is retried with the same Idempotency-Key.
    maxNetworkRetries: 2,
    timeout: 30_000,
    telemetry: false,
    appInfo: { name: "Switchboard" },
    ...apiBaseOptions(apiBase),
  });
  cached = { key: secretKey, base: apiBase, client };
  return client;
}

/** Every billing verb starts here: without a Stripe key, billing_not_configured. */
export function assertBillingConfigured(): void {
  if (!config().stripe.secretKey) throw billingNotConfigured();
}

/**
 * The Stripe Idempotency-Key for a create. A caller's Idempotency-Key maps to
 * the same Stripe key (per organisation and operation), so retrying a request
 * that timed out replays Stripe's first answer instead of charging twice;
 * without one, each request gets a fresh key that the SDK reuses on its own
 * network retries.
 */
export function stripeIdempotencyKey(ctx: Ctx, operation: string, clientKey: string | null | undefined) {
  if (!clientKey) return `sb_${randomUUID()}`;
  if (clientKey.length > 255) {
    throw AppError.validation([{ field: "Idempotency-Key", message: "must be at most 255 characters" }]);
  }
  const digest = createHash("sha256").update(`${ctx.orgId}\n${operation}\n${clientKey}`).digest("hex");
  return `sb_${digest}`;
}

/** Stripe's clock for an answer (its Date header, whole seconds); ours when absent. */
export function stripeTimeOf(answer: { lastResponse?: { headers?: Record<string, string> } }): Date {
  const date = answer.lastResponse?.headers?.date;
  const parsed = date ? Date.parse(date) : Number.NaN;
  const ms = Number.isNaN(parsed) ? Date.now() : parsed;
  return new Date(Math.floor(ms / 1000) * 1000);
}

/**
 * The Stripe time to store with an object Stripe answered with. A create that
 * Stripe replayed (same Idempotency-Key) carries the object as first created,
 * so it must not overwrite anything newer.
 */
export function answerTime(answer: Stripe.Response<{ created: number }>): Date {
  const replayed = answer.lastResponse?.headers?.["idempotent-replayed"] === "true";
  return replayed ? new Date(answer.created * 1000) : stripeTimeOf(answer);
}

/** Translates Stripe's parameter names into our request's field names for 4xx details. */
export type ParamMap = Record<string, string>;

/** Maps an error from the Stripe SDK to an AppError; anything else passes through. */
export function fromStripeError(e: unknown, params: ParamMap = {}): unknown {
  if (!(e instanceof Stripe.errors.StripeError)) return e;
  const field = e.param ? (params[e.param] ?? e.param) : undefined;
  const details: FieldIssue[] | undefined = field ? [{ field, message: e.message }] : undefined;
  if (e instanceof Stripe.errors.StripeIdempotencyError) {
    return AppError.conflict("Idempotency-Key was already used with a different request", [
      { field: "Idempotency-Key", message: "was used with another body" },
    ]);
  }
  if (e instanceof Stripe.errors.StripeCardError) {
    return new AppError("card_declined", e.message, details, 422);
  }
  if (e instanceof Stripe.errors.StripeInvalidRequestError) {
    if (e.statusCode === 404 || e.code === "resource_missing") {
      return new AppError("stripe_resource_missing", e.message, details, 422);
    }
    return new AppError("stripe_invalid_request", e.message, details, 422);
  }
  if (e instanceof Stripe.errors.StripeRateLimitError) {
    return new AppError(
      "rate_limited",
      "Stripe is rate limiting this account; retry shortly",
      undefined,
      429,
      2,
    );
  }
  if (
    e instanceof Stripe.errors.StripeAuthenticationError ||
    e instanceof Stripe.errors.StripePermissionError
  ) {
    log.error("Stripe rejected the configured key", { type: e.type, requestId: e.requestId });
    return new AppError(
      "stripe_auth_failed",
      "Stripe rejected STRIPE_SECRET_KEY; check the key and restart Switchboard",
      undefined,
      503,
    );
  }
  log.warn("Stripe request failed", { type: e.type, code: e.code, requestId: e.requestId });
  if (e instanceof Stripe.errors.StripeConnectionError) {
    return new AppError(
      "stripe_unreachable",
      "Could not reach Stripe; retry with the same Idempotency-Key and nothing is created twice",
      undefined,
      502,
    );
  }
  return new AppError("stripe_error", "Stripe could not complete the request; try again", undefined, 502);
}

/** Runs a Stripe call, mapping its errors to AppError. */
export async function callStripe<T>(fn: () => Promise<T>, params?: ParamMap): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw fromStripeError(e, params);
  }
}
