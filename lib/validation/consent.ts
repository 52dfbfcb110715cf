import { z } from "zod";
import type { OptOut, Suppression } from "@/lib/db/schema";
import { listQuery } from "./common";
import { categorySchema } from "./templates";

export const optOutBody = z
  .object({
    address: z.string().trim().min(1, "is required").max(320),
    channel: z.enum(["email", "sms"]),
    category: categorySchema.optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .meta({ id: "OptOutRequest" });
export type OptOutBody = z.infer<typeof optOutBody>;

export const optOutQuery = listQuery.extend({
  channel: z.enum(["email", "sms"]).optional(),
  address: z.string().trim().min(1).optional(),
  q: z.string().trim().min(1).optional(),
  source: z.string().optional(),
});
export type OptOutQuery = z.infer<typeof optOutQuery>;

export const optOutCheckQuery = z.object({
  address: z.string().trim().min(1, "is required"),
  channel: z.enum(["email", "sms"]),
  category: categorySchema.optional(),
});

export const optOutJson = z
  .object({
    id: z.uuid(),
    address: z.string(),
    channel: z.enum(["email", "sms"]),
    category: z.string().nullable().describe("null: every category (a full STOP)"),
    reason: z.string().nullable(),
    source: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "OptOut" });

export const optOutCheckJson = z
  .object({
    address: z.string(),
    channel: z.enum(["email", "sms"]),
    category: z.string().nullable(),
    opted_out: z.boolean(),
    reason: z.string().nullable(),
    since: z.string().nullable(),
  })
  .meta({ id: "OptOutCheck" });

export const optInResult = z
  .object({ address: z.string(), channel: z.enum(["email", "sms"]), removed: z.number() })
  .meta({ id: "OptInResult" });

export const suppressionBody = z
  .object({
    address: z.email({ message: "must be an email address" }),
    reason: z.string().trim().max(500).optional(),
  })
  .meta({ id: "SuppressionRequest" });

export const suppressionJson = z
  .object({
    id: z.uuid(),
    address: z.string(),
    reason: z.string(),
    detail: z.string().nullable(),
    provider_id: z.string().nullable(),
    webhook_event_id: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: "Suppression" });

export function toOptOutJson(o: OptOut): z.infer<typeof optOutJson> {
  return {
    id: o.id,
    address: o.address,
    channel: o.channel,
    category: o.category,
    reason: o.reason,
    source: o.source,
    created_at: o.createdAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
  };
}

export function toSuppressionJson(s: Suppression): z.infer<typeof suppressionJson> {
  return {
    id: s.id,
    address: s.address,
    reason: s.reason,
    detail: s.detail,
    provider_id: s.providerId,
    webhook_event_id: s.webhookEventId,
    created_at: s.createdAt.toISOString(),
  };
}
