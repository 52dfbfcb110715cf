import { randomBytes } from "node:crypto";

// The in-memory Stripe behind tests/stripe-double.ts: customers, payment
// methods, payment intents, charges, prices, subscriptions, invoices, coupons
// and discounts as Stripe shapes them, the events Stripe would send, and the
// v1 routes the app calls.

export type Obj = Record<string, unknown> & { id: string; object: string; created: number };
export type Params = Record<string, unknown>;

export interface StripeEvent {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: Obj; previous_attributes?: Params };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface PriceInput {
  id: string;
  unit_amount: number;
  currency?: string;
  interval?: string;
  product_name?: string;
}

export const API_VERSION = "2026-10-28.endive";
const now = () => Math.floor(Date.now() / 1000);
export const rid = (prefix: string) =>
  `${prefix}_${randomBytes(9).toString("base64url").replace(/[-_]/g, "x")}`;
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));

/** Decodes Stripe's form encoding (a[b]=1&a[c][0]=2) into nested objects and arrays. */
export function decodeForm(raw: string): Params {
  const root: Params = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const parts = key.split("[").map((p) => p.replace(/]$/, ""));
    let node: Params = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else {
        const next = node[part];
        node[part] = next && typeof next === "object" ? next : {};
        node = node[part] as Params;
      }
    });
  }
  const arrays = (v: unknown): unknown => {
    if (!v || typeof v !== "object") return v;
    const o = v as Params;
    const keys = Object.keys(o);
    if (keys.length && keys.every((k) => /^\d+$/.test(k)))
      return keys.sort((a, b) => +a - +b).map((k) => arrays(o[k]));
    return Object.fromEntries(keys.map((k) => [k, arrays(o[k])]));
  };
  return arrays(root) as Params;
}

export class StripeFail extends Error {
  constructor(
    readonly status: number,
    readonly body: Params,
  ) {
    super(String(body.message));
  }
}
const missing = (what: string, id: string, param?: string) =>
  new StripeFail(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${what}: '${id}'`,
    ...(param ? { param } : {}),
  });
const invalid = (message: string, param?: string, status = 400) =>
  new StripeFail(status, { type: "invalid_request_error", message, ...(param ? { param } : {}) });

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const int = (v: unknown) => (typeof v === "string" && v !== "" ? Number.parseInt(v, 10) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A fresh in-memory Stripe account. */
export function createStripeApi(opts: { baseUrl: () => string; taxPercent: () => number }) {
  const store = new Map<string, Obj>();
  const events: StripeEvent[] = [];
  let invoiceSeq = 0;
  let currentRequest: { id: string | null; key: string | null } = { id: null, key: null };

  const put = (o: Obj) => {
    store.set(o.id, o);
    return o;
  };
  const find = (id: string, object: string, param?: string) => {
    const o = store.get(id);
    if (!o || o.object !== object || o.deleted) throw missing(object.replace("_", " "), id, param);
    return o;
  };
  const emit = (type: string, o: Obj, previous?: Params) => {
    events.push({
      id: rid("evt"),
      object: "event",
      api_version: API_VERSION,
      created: now(),
      data: { object: clone(o), ...(previous ? { previous_attributes: previous } : {}) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: currentRequest.id, idempotency_key: currentRequest.key },
      type,
    });
  };
  const all = (object: string) =>
    [...store.values()]
      .filter((o) => o.object === object && !o.deleted)
      .sort((a, b) => b.created - a.created);
  const page = (items: Obj[], q: Params, url: string) => {
    const limit = Math.min(int(q.limit) ?? 10, 100);
    const after = str(q.starting_after);
    const start = after ? items.findIndex((o) => o.id === after) + 1 : 0;
    const data = items.slice(start, start + limit);
    return { object: "list", data, has_more: start + limit < items.length, url };
  };

  const prices = new Map<string, Obj>();
  const addPrice = (p: PriceInput) => {
    const product = { id: `prod_${p.id.replace(/^price_/, "")}`, name: p.product_name ?? p.id };
    prices.set(p.id, {
      id: p.id,
      object: "price",
      active: true,
      created: now(),
      currency: p.currency ?? "usd",
      livemode: false,
      metadata: {},
      product: product.id,
      product_name: product.name,
      recurring: { interval: p.interval ?? "month", interval_count: 1, usage_type: "licensed" },
      type: "recurring",
      unit_amount: p.unit_amount,
    });
  };
  addPrice({ id: "price_basic", unit_amount: 1500, product_name: "Basic plan" });
  addPrice({ id: "price_pro", unit_amount: 4900, product_name: "Pro plan" });

  const testCards: Record<string, { brand: string; last4: string }> = {
    pm_card_visa: { brand: "visa", last4: "4242" },
    pm_card_mastercard: { brand: "mastercard", last4: "4444" },
  };
  const paymentMethod = (token: string, customer: string) => {
    const card = testCards[token];
    if (!card) throw missing("PaymentMethod", token, "payment_method");
    return put({
      id: rid("pm"),
      object: "payment_method",
      created: now(),
      type: "card",
      customer,
      livemode: false,
      metadata: {},
      billing_details: { address: null, email: null, name: null, phone: null },
      card: {
        ...card,
        exp_month: 12,
        exp_year: new Date().getFullYear() + 3,
        country: "US",
        funding: "credit",
      },
    });
  };

  const customerOf = (f: Params, existing?: Obj): Obj => {
    const address = f.address as Params | undefined;
    const metadata = { ...((existing?.metadata as Params) ?? {}), ...((f.metadata as Params) ?? {}) };
    for (const [k, v] of Object.entries(metadata)) if (v === "") delete metadata[k];
    return {
      ...(existing ?? {
        id: rid("cus"),
        object: "customer",
        created: now(),
        balance: 0,
        currency: null,
        default_source: null,
        delinquent: false,
        discount: null,
        invoice_prefix: randomBytes(4).toString("hex").toUpperCase(),
        invoice_settings: {
          custom_fields: null,
          default_payment_method: null,
          footer: null,
          rendering_options: null,
        },
        livemode: false,
        preferred_locales: [],
        shipping: null,
        tax_exempt: "none",
        test_clock: null,
        address: null,
        description: null,
        email: null,
        name: null,
        phone: null,
      }),
      ...(address
        ? {
            address: {
              line1: null,
              line2: null,
              city: null,
              state: null,
              postal_code: null,
              country: null,
              ...address,
            },
          }
        : {}),
      ...("email" in f ? { email: str(f.email) } : {}),
      ...("name" in f ? { name: str(f.name) } : {}),
      ...("phone" in f ? { phone: str(f.phone) } : {}),
      ...("description" in f ? { description: str(f.description) } : {}),
      metadata,
    };
  };

  const discountFor = (couponId: string, extra: Params): Obj => ({
    id: rid("di"),
    object: "discount",
    created: now(),
    checkout_session: null,
    customer: null,
    customer_account: null,
    end: null,
    invoice: null,
    invoice_item: null,
    promotion_code: null,
    source: { coupon: couponId, type: "coupon" },
    start: now(),
    subscription: null,
    subscription_item: null,
    ...extra,
  });

  const makeInvoice = (sub: Obj, customer: Obj, paid: boolean): Obj => {
    const items = (sub.items as { data: Obj[] }).data;
    const id = rid("in");
    const start = (items[0]?.current_period_start as number) ?? now();
    const end = (items[0]?.current_period_end as number) ?? now();
    const trial = sub.status === "trialing";
    const lines = items.map((item) => {
      const price = item.price as Obj;
      const qty = item.quantity as number;
      const amount = trial ? 0 : (price.unit_amount as number) * qty;
      return {
        id: rid("il"),
        object: "line_item",
        amount,
        currency: price.currency,
        description: trial
          ? `Trial period for ${price.product_name}`
          : `${qty} × ${price.product_name} (at ${((price.unit_amount as number) / 100).toFixed(2)} / ${(price.recurring as Params).interval})`,
        discount_amounts: [],
        discountable: true,
        discounts: [],
        invoice: id,
        livemode: false,
        metadata: {},
        parent: {
          type: "subscription_item_details",
          subscription_item_details: { subscription: sub.id, subscription_item: item.id },
        },
        period: { start, end },
        pricing: {
          type: "price_details",
          price_details: { price: price.id, product: price.product },
          unit_amount_decimal: String(price.unit_amount),
        },
        quantity: qty,
        subscription: sub.id,
        subtotal: amount,
        taxes: [],
      };
    });
    const subtotal = lines.reduce((s, l) => s + l.amount, 0);
    const discounts = (sub.discounts as string[])
      .map((d) => store.get(d))
      .filter((d): d is Obj => Boolean(d));
    let remaining = subtotal;
    const discountAmounts = discounts.map((d) => {
      const coupon = store.get((d.source as Params).coupon as string) as Obj;
      const off = coupon.percent_off
        ? Math.round((subtotal * (coupon.percent_off as number)) / 100)
        : Math.min(remaining, coupon.amount_off as number);
      remaining -= off;
      return { amount: off, discount: d.id };
    });
    const tax = Math.round((remaining * opts.taxPercent()) / 100);
    const total = remaining + tax;
    invoiceSeq += 1;
    const at = now();
    return put({
      id,
      object: "invoice",
      created: at,
      account_country: "US",
      account_name: "Double Test Account",
      amount_due: total,
      amount_paid: paid ? total : 0,
      amount_overpaid: 0,
      amount_remaining: paid ? 0 : total,
      amount_shipping: 0,
      attempt_count: paid ? 1 : 0,
      attempted: paid,
      auto_advance: !paid,
      billing_reason: "subscription_create",
      collection_method: "charge_automatically",
      currency: sub.currency,
      customer: customer.id,
      customer_address: customer.address,
      customer_email: customer.email,
      customer_name: customer.name,
      customer_phone: customer.phone,
      description: null,
      discounts: discounts.map((d) => d.id),
      due_date: null,
      hosted_invoice_url: `${opts.baseUrl()}/hosted/invoices/${id}`,
      invoice_pdf: `${opts.baseUrl()}/hosted/invoices/${id}/pdf`,
      lines: { object: "list", data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
      livemode: false,
      metadata: {},
      number: `${customer.invoice_prefix}-${String(invoiceSeq).padStart(4, "0")}`,
      parent: {
        type: "subscription_details",
        quote_details: null,
        subscription_details: { metadata: clone(sub.metadata), subscription: sub.id },
      },
      period_end: end,
      period_start: start,
      status: paid ? "paid" : "open",
      status_transitions: {
        finalized_at: at,
        marked_uncollectible_at: null,
        paid_at: paid ? at : null,
        voided_at: null,
      },
      subtotal,
      subtotal_excluding_tax: remaining,
      total,
      total_discount_amounts: discountAmounts,
      total_excluding_tax: remaining,
      total_taxes: tax
        ? [
            {
              amount: tax,
              tax_behavior: "exclusive",
              tax_rate_details: { tax_rate: "txr_double" },
              taxability_reason: "standard_rated",
              taxable_amount: remaining,
              type: "tax_rate_details",
            },
          ]
        : [],
    });
  };

  /** An object as the API answers it: ids of related objects unless expanded. */
  const render = (o: Obj, expand: string[]): Obj => {
    const out = clone(o);
    const want = (path: string) => expand.includes(path);
    if (o.object === "subscription") {
      if (want("discounts")) out.discounts = (o.discounts as string[]).map((d) => clone(store.get(d)));
      if (want("latest_invoice") && o.latest_invoice) {
        const sub = expand
          .filter((e) => e.startsWith("latest_invoice."))
          .map((e) => e.slice("latest_invoice.".length));
        out.latest_invoice = render(store.get(o.latest_invoice as string) as Obj, sub);
      }
    }
    if (o.object === "invoice" && want("total_discount_amounts.discount")) {
      out.total_discount_amounts = (o.total_discount_amounts as Params[]).map((d) => ({
        ...d,
        discount: clone(store.get(d.discount as string)),
      }));
    }
    return out;
  };
  const expandOf = (p: Params) => list(p.expand).map(String);

  const subscriptionOf = (f: Params): Obj => {
    const customer = find(str(f.customer) ?? "", "customer", "customer");
    const items = list(f.items) as Params[];
    if (!items.length) throw invalid("Missing required param: items.", "items");
    const id = rid("sub");
    const start = now();
    const itemObjs = items.map((it, i) => {
      const price = prices.get(str(it.price) ?? "");
      if (!price) throw missing("price", str(it.price) ?? "", `items[${i}][price]`);
      const days = (price.recurring as Params).interval === "year" ? 365 : 30;
      return {
        id: rid("si"),
        object: "subscription_item",
        created: start,
        current_period_end: start + days * 86_400,
        current_period_start: start,
        discounts: [],
        metadata: {},
        price: clone(price),
        quantity: int(it.quantity) ?? 1,
        subscription: id,
        tax_rates: [],
      };
    });
    const discountIds = (list(f.discounts) as Params[]).map((d, i) => {
      const couponId = str(d.coupon) ?? "";
      const coupon = store.get(couponId);
      if (coupon?.object !== "coupon") throw missing("coupon", couponId, `discounts[${i}][coupon]`);
      return put(discountFor(couponId, { customer: customer.id, subscription: id })).id;
    });
    const trialDays = int(f.trial_period_days);
    const hasCard = Boolean((customer.invoice_settings as Params).default_payment_method);
    const status = trialDays ? "trialing" : hasCard ? "active" : "incomplete";
    const sub = put({
      id,
      object: "subscription",
      created: start,
      billing_cycle_anchor: start,
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      collection_method: "charge_automatically",
      currency: str((itemObjs[0]?.price as Params | undefined)?.currency) ?? "usd",
      customer: customer.id,
      default_payment_method: null,
      description: null,
      discounts: discountIds,
      ended_at: null,
      items: {
        object: "list",
        data: itemObjs,
        has_more: false,
        url: `/v1/subscription_items?subscription=${id}`,
      },
      latest_invoice: null,
      livemode: false,
      metadata: (f.metadata as Params) ?? {},
      start_date: start,
      status,
      trial_end: trialDays ? start + trialDays * 86_400 : null,
      trial_start: trialDays ? start : null,
    });
    const invoice = makeInvoice(sub, customer, status !== "incomplete");
    sub.latest_invoice = invoice.id;
    emit("customer.subscription.created", sub);
    emit("invoice.created", { ...invoice, status: "draft" });
    emit("invoice.finalized", {
      ...invoice,
      status: "open",
      amount_paid: 0,
      amount_remaining: invoice.total,
    });
    if (invoice.status === "paid") emit("invoice.paid", invoice);
    return sub;
  };

  const updateSubscription = (sub: Obj, p: Params): Obj => {
    const previous: Params = {};
    if ("cancel_at_period_end" in p) {
      previous.cancel_at_period_end = sub.cancel_at_period_end;
      sub.cancel_at_period_end = p.cancel_at_period_end === "true";
      const items = (sub.items as { data: Obj[] }).data;
      sub.cancel_at = sub.cancel_at_period_end ? (items[0]?.current_period_end ?? null) : null;
      sub.canceled_at = sub.cancel_at_period_end ? now() : null;
    }
    if ("discounts" in p) {
      previous.discounts = sub.discounts;
      sub.discounts = (list(p.discounts) as Params[]).map((d, i) => {
        const couponId = str(d.coupon) ?? "";
        const coupon = store.get(couponId);
        if (coupon?.object !== "coupon") throw missing("coupon", couponId, `discounts[${i}][coupon]`);
        return put(discountFor(couponId, { customer: sub.customer, subscription: sub.id })).id;
      });
    }
    emit("customer.subscription.updated", sub, previous);
    return sub;
  };

  const createCustomer = (p: Params): Obj => {
    const c = put(customerOf(p));
    const pm = str(p.payment_method);
    if (pm) {
      const attached = paymentMethod(pm, c.id);
      const wanted = str((p.invoice_settings as Params | undefined)?.default_payment_method);
      if (wanted === pm) (c.invoice_settings as Params).default_payment_method = attached.id;
    }
    emit("customer.created", c);
    return c;
  };

  const createPaymentIntent = (p: Params): Obj => {
    const amount = int(p.amount);
    if (!amount || amount < 1) throw invalid("This value must be greater than or equal to 1.", "amount");
    const currency = str(p.currency);
    if (!currency) throw invalid("Missing required param: currency.", "currency");
    const customer = str(p.customer);
    if (customer) find(customer, "customer", "customer");
    const id = rid("pi");
    const pi = put({
      id,
      object: "payment_intent",
      created: now(),
      amount,
      amount_capturable: 0,
      amount_received: 0,
      automatic_payment_methods: { enabled: p.automatic_payment_methods !== undefined },
      capture_method: "automatic",
      client_secret: `${id}_secret_${randomBytes(8).toString("hex")}`,
      confirmation_method: "automatic",
      currency,
      customer: customer ?? null,
      description: str(p.description) ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: (p.metadata as Params) ?? {},
      payment_method: null,
      payment_method_types: ["card"],
      status: "requires_payment_method",
    });
    emit("payment_intent.created", pi);
    return pi;
  };

  const createCoupon = (p: Params): Obj => {
    const percent = p.percent_off === undefined ? null : Number(p.percent_off);
    const amountOff = int(p.amount_off) ?? null;
    if ((percent === null) === (amountOff === null)) {
      throw invalid("Must provide either percent_off or amount_off.", "percent_off");
    }
    if (amountOff !== null && !str(p.currency)) {
      throw invalid("You must pass currency when passing amount_off.", "currency");
    }
    const duration = str(p.duration) ?? "once";
    if (duration === "repeating" && !int(p.duration_in_months)) {
      throw invalid("You must pass duration_in_months when duration is repeating.", "duration_in_months");
    }
    const coupon = put({
      id: str(p.id) ?? randomBytes(6).toString("hex").toUpperCase(),
      object: "coupon",
      created: now(),
      amount_off: amountOff,
      currency: str(p.currency) ?? null,
      duration,
      duration_in_months: int(p.duration_in_months) ?? null,
      livemode: false,
      max_redemptions: int(p.max_redemptions) ?? null,
      metadata: (p.metadata as Params) ?? {},
      name: str(p.name) ?? null,
      percent_off: percent,
      redeem_by: int(p.redeem_by) ?? null,
      times_redeemed: 0,
      valid: true,
    });
    emit("coupon.created", coupon);
    return coupon;
  };

  /** Lists with `expand[]=data.x` render each item expanded. */
  const renderList = (listed: ReturnType<typeof page>, p: Params) => {
    const nested = expandOf(p)
      .filter((e) => e.startsWith("data."))
      .map((e) => e.slice(5));
    return { ...listed, data: listed.data.map((o) => render(o, nested)) };
  };

  /** Answers one v1 request; throws StripeFail for Stripe's error answers. */
  const route = (method: string, path: string, p: Params): unknown => {
    const [, resource = "", id = "", sub = ""] = path.split("/").filter(Boolean);
    const shape = `${method} ${resource}${id ? "/:id" : ""}${sub ? `/${sub}` : ""}`;
    switch (shape) {
      case "POST customers":
        return createCustomer(p);
      case "GET customers": {
        const email = str(p.email);
        return page(
          all("customer").filter((c) => !email || c.email === email),
          p,
          path,
        );
      }
      case "GET customers/:id": {
        const c = store.get(id);
        return c?.object === "customer" && c.deleted
          ? { id, object: "customer", deleted: true }
          : find(id, "customer");
      }
      case "POST customers/:id": {
        const c = put(customerOf(p, find(id, "customer")));
        emit("customer.updated", c);
        return c;
      }
      case "GET customers/:id/payment_methods":
        find(id, "customer");
        return page(
          all("payment_method").filter((pm) => pm.customer === id),
          p,
          path,
        );
      case "POST payment_intents":
        return createPaymentIntent(p);
      case "GET payment_intents":
        return page(all("payment_intent"), p, path);
      case "GET payment_intents/:id":
        return find(id, "payment_intent");
      case "POST subscriptions":
        return render(subscriptionOf(p), expandOf(p));
      case "GET subscriptions": {
        const status = str(p.status);
        const subs = all("subscription").filter(
          (s) => status === "all" || (status ? s.status === status : s.status !== "canceled"),
        );
        return renderList(page(subs, p, path), p);
      }
      case "GET subscriptions/:id":
        return render(find(id, "subscription"), expandOf(p));
      case "POST subscriptions/:id":
        return render(updateSubscription(find(id, "subscription"), p), expandOf(p));
      case "DELETE subscriptions/:id": {
        const s = find(id, "subscription");
        if (s.status === "canceled") throw invalid(`No such subscription: '${id}'`, undefined, 404);
        Object.assign(s, { status: "canceled", canceled_at: now(), ended_at: now() });
        emit("customer.subscription.deleted", s);
        return render(s, expandOf(p));
      }
      case "GET invoices": {
        const customer = str(p.customer);
        return renderList(
          page(
            all("invoice").filter((i) => !customer || i.customer === customer),
            p,
            path,
          ),
          p,
        );
      }
      case "GET invoices/:id":
        return render(find(id, "invoice"), expandOf(p));
      case "GET invoices/:id/lines":
        return page((find(id, "invoice").lines as { data: Obj[] }).data, p, path);
      case "POST coupons":
        return createCoupon(p);
      case "GET coupons":
        return page(all("coupon"), p, path);
      case "GET coupons/:id":
        return find(id, "coupon");
      case "GET prices/:id": {
        const price = prices.get(id);
        if (!price) throw missing("price", id);
        return price;
      }
      default:
        throw invalid(`Unrecognized request URL (${method}: ${path}).`, undefined, 404);
    }
  };

  return {
    events,
    route,
    /** Tags the events of one request with its id and Idempotency-Key, as Stripe does. */
    during<T>(request: { id: string; key: string | null }, work: () => T): T {
      currentRequest = request;
      try {
        return work();
      } finally {
        currentRequest = { id: null, key: null };
      }
    },
    addPrice,
    mutate(id: string, patch: Params) {
      const o = store.get(id);
      if (!o) throw new Error(`the double has no object ${id}`);
      Object.assign(o, patch);
      return o;
    },
    get: (id: string) => store.get(id),
    succeedPaymentIntent(id: string) {
      const pi = find(id, "payment_intent");
      const charge = put({
        id: rid("ch"),
        object: "charge",
        created: now(),
        amount: pi.amount as number,
        amount_refunded: 0,
        currency: pi.currency as string,
        customer: pi.customer,
        livemode: false,
        metadata: clone(pi.metadata),
        paid: true,
        payment_intent: pi.id,
        refunded: false,
        status: "succeeded",
      });
      Object.assign(pi, { status: "succeeded", amount_received: pi.amount, latest_charge: charge.id });
      emit("payment_intent.succeeded", pi);
      return pi;
    },
    refund(paymentIntentId: string, amount: number) {
      const pi = find(paymentIntentId, "payment_intent");
      const charge = find(String(pi.latest_charge), "charge");
      const refunded = (charge.amount_refunded as number) + amount;
      Object.assign(charge, { amount_refunded: refunded, refunded: refunded >= (charge.amount as number) });
      emit("charge.refunded", charge);
      return charge;
    },
    event(type: string, object: Obj, created = now()): StripeEvent {
      return {
        id: rid("evt"),
        object: "event",
        api_version: API_VERSION,
        created,
        data: { object: clone(object) },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type,
      };
    },
  };
}

export type StripeApi = ReturnType<typeof createStripeApi>;
