import { z } from "zod";
import { PROVIDER_TYPES } from "@/lib/providers/types";

const senderObject = z.object({
  email: z.email({ message: "must be an email address" }).optional(),
  name: z.string().trim().max(200).optional(),
  phone: z.string().trim().min(1).optional(),
  sender_id: z
    .string()
    .trim()
    .regex(
      /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/,
      "must be 1–11 letters, digits or spaces with at least one letter",
    )
    .optional(),
});
export const senderSchema = senderObject.default({});

/** An Amazon SNS topic ARN (arn:aws[-cn|-us-gov]:sns:region:account:name; FIFO topics end in .fifo). */
export const snsTopicArn = z
  .string()
  .trim()
  .regex(
    /^arn:aws(-cn|-us-gov)?:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/,
    "must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:ses-events",
  );

/**
 * The SNS topics whose notifications an SES provider accepts (SPEC §3, §5): a
 * list, or from a form one text with the ARNs separated by commas or new lines.
 * Left out, the provider accepts no SNS message at all.
 */
export const snsTopicArns = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v === null ? undefined : v;
    const list = v.split(/[\s,]+/).filter(Boolean);
    return list.length ? list : undefined;
  },
  z
    .array(snsTopicArn)
    .max(100, "must list at most 100 topics")
    .transform((arns) => [...new Set(arns)])
    .optional(),
);

const common = {
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
  priority: z.coerce.number().int().min(1, "must be 1 or more").max(1000, "must be at most 1000"),
  enabled: z.boolean(),
  is_default: z.boolean(),
  daily_limit: z.coerce.number().int().positive("must be positive").nullable(),
  cost_per_unit: z.coerce.number().min(0, "must be 0 or more").max(1000),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, "must be a 3-letter ISO 4217 code")
    .transform((c) => c.toUpperCase()),
  failure_threshold: z.coerce.number().int().min(1, "must be 1 or more").max(1000),
  reset_timeout_s: z.coerce.number().int().min(1, "must be 1 or more").max(86_400),
  sender: senderSchema,
  config: z.record(z.string(), z.unknown()).default({}),
  credentials: z.record(z.string(), z.unknown()).default({}),
};

export const providerCreate = z
  .object({
    type: z.enum(PROVIDER_TYPES, { message: `must be one of ${PROVIDER_TYPES.join(", ")}` }),
    ...common,
    priority: common.priority.default(50),
    enabled: common.enabled.default(true),
    is_default: common.is_default.default(false),
    daily_limit: common.daily_limit.default(null),
    cost_per_unit: common.cost_per_unit.default(0),
    currency: common.currency.default("USD"),
    failure_threshold: common.failure_threshold.default(5),
    reset_timeout_s: common.reset_timeout_s.default(60),
  })
  .meta({ id: "ProviderCreate" });
export type ProviderCreate = z.infer<typeof providerCreate>;

/** Partial update; credentials fields left out keep their stored value. */
export const providerUpdate = z
  .object({
    name: common.name.optional(),
    priority: common.priority.optional(),
    enabled: common.enabled.optional(),
    is_default: common.is_default.optional(),
    daily_limit: common.daily_limit.optional(),
    cost_per_unit: common.cost_per_unit.optional(),
    currency: common.currency.optional(),
    failure_threshold: common.failure_threshold.optional(),
    reset_timeout_s: common.reset_timeout_s.optional(),
    sender: senderObject.optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    credentials: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: "ProviderUpdate" });
export type ProviderUpdate = z.infer<typeof providerUpdate>;

export const providerTest = z
  .object({
    to: z.string().trim().min(1, "is required"),
    message: z.string().max(1600).optional(),
  })
  .meta({ id: "ProviderTest" });
export type ProviderTest = z.infer<typeof providerTest>;

export const providerReorder = z
  .object({ ids: z.array(z.uuid()).min(1, "must list providers") })
  .meta({ id: "ProviderReorder" });

export const circuitJson = z.object({
  state: z.enum(["closed", "open", "half_open"]),
  failure_count: z.number(),
  opened_at: z.string().nullable(),
  last_error: z.string().nullable(),
  last_failure_at: z.string().nullable(),
  last_success_at: z.string().nullable(),
});

export const providerJson = z
  .object({
    id: z.uuid(),
    name: z.string(),
    type: z.enum(PROVIDER_TYPES),
    channel: z.enum(["email", "sms"]),
    priority: z.number(),
    enabled: z.boolean(),
    is_default: z.boolean(),
    daily_limit: z.number().nullable(),
    cost_per_unit: z.number(),
    currency: z.string(),
    failure_threshold: z.number(),
    reset_timeout_s: z.number(),
    sender: z.record(z.string(), z.string()),
    config: z.record(z.string(), z.unknown()),
    credentials: z.record(z.string(), z.string()).describe("Masked; never the secret"),
    circuit: circuitJson,
    sent_today: z.number(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Provider" });

export const providerHealthItem = z.object({
  id: z.uuid(),
  name: z.string(),
  type: z.enum(PROVIDER_TYPES),
  priority: z.number(),
  enabled: z.boolean(),
  circuit: z.enum(["closed", "open", "half_open"]),
  failure_count: z.number(),
  sent_today: z.number(),
  daily_limit: z.number().nullable(),
  last_error: z.string().nullable(),
});
export const providerHealth = z
  .object({ email: z.array(providerHealthItem), sms: z.array(providerHealthItem) })
  .meta({ id: "ProviderHealth" });

export const providerTestResult = z
  .object({
    success: z.boolean(),
    provider_message_id: z.string().nullable(),
    message_id: z.uuid().nullable(),
    response: z.unknown(),
    error: z.string().nullable(),
    duration_ms: z.number(),
  })
  .meta({ id: "ProviderTestResult" });

export const webhookTokenRotation = z
  .object({
    provider_id: z.uuid(),
    webhook_urls: z
      .array(z.object({ purpose: z.string(), url: z.string() }))
      .describe("The provider's callback URLs with the new token; the old token answers 401"),
  })
  .meta({ id: "WebhookTokenRotation" });
