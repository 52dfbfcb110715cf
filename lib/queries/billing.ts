import { queryOptions } from "@tanstack/react-query";
import type {
  CouponJson,
  CustomerDetailJson,
  CustomerJson,
  InvoiceJson,
  PaymentIntentJson,
  ProfileJson,
  SubscriptionJson,
  UsageJson,
} from "@/lib/validation/billing";
import { api } from "./fetcher";
import type { ListOf } from "./settings";

export type {
  CouponJson,
  CustomerDetailJson,
  CustomerJson,
  InvoiceJson,
  PaymentIntentJson,
  ProfileJson,
  SubscriptionJson,
  UsageJson,
};

function qs(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** queryOptions per billing list and detail; mutations invalidate `billingQueries.all`. */
export const billingQueries = {
  all: ["billing"] as const,
  customers: (search?: string) =>
    queryOptions({
      queryKey: [...billingQueries.all, "customers", search ?? ""],
      queryFn: () => api<ListOf<CustomerJson>>(`/payments/customers${qs({ search, limit: "100" })}`),
    }),
  customer: (id: string) =>
    queryOptions({
      queryKey: [...billingQueries.all, "customer", id],
      queryFn: () => api<CustomerDetailJson>(`/payments/customers/${encodeURIComponent(id)}`),
    }),
  subscriptions: (filters: { customer_id?: string; status?: string } = {}) =>
    queryOptions({
      queryKey: [...billingQueries.all, "subscriptions", filters],
      queryFn: () =>
        api<ListOf<SubscriptionJson>>(`/payments/subscriptions${qs({ ...filters, limit: "100" })}`),
    }),
  invoices: (filters: { customer_id?: string; status?: string } = {}) =>
    queryOptions({
      queryKey: [...billingQueries.all, "invoices", filters],
      queryFn: () => api<ListOf<InvoiceJson>>(`/payments/invoices${qs({ ...filters, limit: "100" })}`),
    }),
  paymentIntents: () =>
    queryOptions({
      queryKey: [...billingQueries.all, "payment-intents"],
      queryFn: () => api<ListOf<PaymentIntentJson>>("/payments/payment-intents?limit=100"),
    }),
  coupons: () =>
    queryOptions({
      queryKey: [...billingQueries.all, "coupons"],
      queryFn: () => api<ListOf<CouponJson>>("/payments/coupons?limit=200"),
    }),
  usage: () =>
    queryOptions({
      queryKey: [...billingQueries.all, "usage"],
      queryFn: () => api<UsageJson>("/payments/usage"),
    }),
  profile: () =>
    queryOptions({
      queryKey: [...billingQueries.all, "profile"],
      queryFn: () => api<ProfileJson>("/payments/profile"),
    }),
};
