import { z } from "zod";
import type { Message, MessageAttempt, MessageEvent } from "@/lib/db/schema";
import { MESSAGE_STATUSES } from "@/lib/db/schema/messages";
import { mediaUrlProblem } from "@/lib/net/hosts";
import { listQuery } from "./common";
import { categorySchema } from "./templates";

const email = z
  .email({ message: "must be an email address" })
  .max(320)
  .transform((e) => e.trim().toLowerCase());
const sendAt = z.iso
  .datetime({
    offset: true,
    message: "must be an ISO 8601 date-time with a time zone, e.g. 2026-12-01T09:00:00Z",
  })
  .optional();
const variables = z.record(z.string(), z.unknown());
const metadata = z
  .record(z.string(), z.unknown())
  .refine((m) => JSON.stringify(m).length <= 8192, "must be at most 8 KB of JSON");
/** Bytes that base64 text decodes to: 6 bits per character, padding carrying none. */
export function base64DecodedBytes(text: string): number {
  const unpadded = text.replace(/=+$/, "").length;
  return Math.floor((unpadded * 6) / 8);
}

const base64 = z
  .string()
  .min(1, "is required")
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64")
  // One character past a multiple of four carries under a byte: not base64 anyone wrote.
  .refine((s) => s.replace(/=+$/, "").length % 4 !== 1, "must be base64 (its length is not possible)");

export const attachmentSchema = z.object({
  filename: z.string().trim().min(1, "is required").max(255),
  content_base64: base64,
  content_type: z.string().trim().min(3, "is required").max(255),
});

const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

function requireEmailContent(
  v: { template_id?: string; subject?: string; html?: string; text?: string },
  ctx: z.RefinementCtx,
) {
  if (v.template_id) return;
  if (!v.subject?.trim())
    ctx.addIssue({ code: "custom", path: ["subject"], message: "is required without template_id" });
  if (!v.html?.trim() && !v.text?.trim()) {
    ctx.addIssue({ code: "custom", path: ["html"], message: "html or text is required without template_id" });
  }
}

export const emailSend = z
  .object({
    to: email,
    cc: z.array(email).max(50, "must list at most 50 addresses").optional(),
    bcc: z.array(email).max(50, "must list at most 50 addresses").optional(),
    subject: z.string().max(998).optional(),
    html: z.string().max(2_000_000).optional(),
    text: z.string().max(2_000_000).optional(),
    template_id: z.uuid({ message: "must be a template id" }).optional(),
    variables: variables.optional(),
    attachments: z
      .array(attachmentSchema)
      .max(20, "must be at most 20 files")
      .refine(
        (a) => a.reduce((n, f) => n + base64DecodedBytes(f.content_base64), 0) <= MAX_ATTACHMENT_BYTES,
        "must total at most 25 MB",
      )
      .optional(),
    send_at: sendAt,
    category: categorySchema.optional(),
    metadata: metadata.optional(),
  })
  .superRefine(requireEmailContent)
  .meta({ id: "EmailSend" });
export type EmailSend = z.infer<typeof emailSend>;

/**
 * MMS media, fetched by the provider: https to a named host (no IP address or
 * localhost). Checked without DNS here; the adapter checks again at send time.
 */
const mediaUrl = z
  .url({ protocol: /^https$/, message: "must be an https URL", abort: true })
  .superRefine((url, ctx) => {
    const problem = mediaUrlProblem(url);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
const mediaUrls = z.array(mediaUrl).max(10, "must list at most 10 URLs").optional();

export const smsSend = z
  .object({
    to: z.string().trim().min(1, "is required").max(40),
    message: z.string().min(1, "must not be empty").max(10_000).optional(),
    template_id: z.uuid({ message: "must be a template id" }).optional(),
    variables: variables.optional(),
    media_urls: mediaUrls,
    send_at: sendAt,
    category: categorySchema.optional(),
    metadata: metadata.optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.template_id && v.message === undefined) {
      ctx.addIssue({ code: "custom", path: ["message"], message: "message or template_id is required" });
    }
  })
  .meta({ id: "SmsSend" });
export type SmsSend = z.infer<typeof smsSend>;

const MAX_BULK = 10_000;

export const emailBulk = z
  .object({
    recipients: z
      .array(
        z.object({
          email: z.string(),
          name: z.string().max(200).optional(),
          variables: variables.optional(),
        }),
      )
      .min(1, "must list at least one recipient")
      .max(MAX_BULK, `must list at most ${MAX_BULK} recipients`),
    subject: z.string().max(998).optional(),
    html: z.string().max(2_000_000).optional(),
    text: z.string().max(2_000_000).optional(),
    template_id: z.uuid({ message: "must be a template id" }).optional(),
    send_at: sendAt,
    category: categorySchema.optional(),
    metadata: metadata.optional(),
  })
  .superRefine(requireEmailContent)
  .meta({ id: "EmailBulkSend" });
export type EmailBulk = z.infer<typeof emailBulk>;

export const smsBulk = z
  .object({
    recipients: z
      .array(
        z.object({ to: z.string(), name: z.string().max(200).optional(), variables: variables.optional() }),
      )
      .min(1, "must list at least one recipient")
      .max(MAX_BULK, `must list at most ${MAX_BULK} recipients`),
    message: z.string().min(1).max(10_000).optional(),
    template_id: z.uuid({ message: "must be a template id" }).optional(),
    media_urls: mediaUrls,
    send_at: sendAt,
    category: categorySchema.optional(),
    metadata: metadata.optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.template_id && v.message === undefined) {
      ctx.addIssue({ code: "custom", path: ["message"], message: "message or template_id is required" });
    }
  })
  .meta({ id: "SmsBulkSend" });
export type SmsBulk = z.infer<typeof smsBulk>;

export const bulkResult = z
  .object({
    batch_id: z.uuid(),
    accepted: z.number(),
    rejected: z.array(z.object({ index: z.number(), reason: z.string() })),
  })
  .meta({ id: "BulkSendResult" });

export const segmentsRequest = z.object({ text: z.string().max(100_000) }).meta({ id: "SegmentsRequest" });
export const segmentsResponse = z
  .object({ encoding: z.enum(["GSM-7", "UCS-2"]), segments: z.number(), characters: z.number() })
  .meta({ id: "Segments" });

export const messageQuery = listQuery.extend({
  channel: z.enum(["email", "sms"]).optional(),
  status: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.enum(MESSAGE_STATUSES, { message: `must be one or more of ${MESSAGE_STATUSES.join(", ")}` })),
    )
    .optional()
    .describe("one status, or several separated by commas: failed,bounced,rejected"),
  campaign_id: z.uuid().optional(),
  to: z
    .string()
    .trim()
    .min(1)
    .max(320)
    .optional()
    .describe("part of the recipient's address or number, case-insensitive"),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
  provider_type: z.string().optional(),
});
export type MessageQuery = z.infer<typeof messageQuery>;

export const messageJson = z
  .object({
    id: z.uuid(),
    channel: z.enum(["email", "sms"]),
    status: z.enum(MESSAGE_STATUSES),
    to: z.string(),
    from: z.string().nullable(),
    subject: z.string().nullable(),
    body: z.string().nullable().describe("SMS text (null for email)"),
    category: z.string(),
    template_id: z.string().nullable(),
    template_version: z.number().nullable(),
    campaign_id: z.string().nullable(),
    provider_id: z.string().nullable(),
    provider_type: z.string().nullable(),
    provider_message_id: z.string().nullable(),
    segments: z.number().nullable(),
    encoding: z.string().nullable(),
    estimated_cost: z.number().nullable(),
    cost: z.number().nullable(),
    cost_source: z.enum(["estimate", "provider"]),
    currency: z.string().nullable(),
    scheduled_at: z.string().nullable(),
    sent_at: z.string().nullable(),
    delivered_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    resent_from: z.string().nullable().describe("The failed message this one resends"),
    error: z.string().nullable(),
  })
  .meta({ id: "Message" });

export const messageDetailJson = messageJson
  .extend({
    cc: z.array(z.string()).nullable(),
    bcc: z.array(z.string()).nullable(),
    html: z.string().nullable(),
    text: z.string().nullable(),
    body: z.string().nullable(),
    media_urls: z.array(z.string()).nullable(),
    attachments: z.array(z.object({ filename: z.string(), content_type: z.string(), size: z.number() })),
    attempts: z.array(
      z.object({
        provider_id: z.string().nullable(),
        provider_type: z.string(),
        at: z.string(),
        outcome: z.enum(["success", "failure"]),
        error: z.string().nullable(),
        duration_ms: z.number().nullable(),
        response: z.unknown(),
      }),
    ),
    events: z.array(z.object({ type: z.string(), at: z.string(), data: z.unknown() })),
  })
  .meta({ id: "MessageDetail" });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toMessageJson(m: Message): z.infer<typeof messageJson> {
  return {
    id: m.id,
    channel: m.channel,
    status: m.status,
    to: m.to,
    from: m.from,
    subject: m.subject,
    body: m.channel === "sms" ? m.body : null,
    category: m.category,
    template_id: m.templateId,
    template_version: m.templateVersion,
    campaign_id: m.campaignId,
    provider_id: m.providerId,
    provider_type: m.providerType,
    provider_message_id: m.providerMessageId,
    segments: m.segments,
    encoding: m.encoding,
    estimated_cost: m.estimatedCost,
    cost: m.cost,
    cost_source: m.costSource,
    currency: m.currency,
    scheduled_at: iso(m.scheduledAt),
    sent_at: iso(m.sentAt),
    delivered_at: iso(m.deliveredAt),
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
    metadata: m.metadata,
    resent_from: m.resentFrom ?? null,
    error: m.error,
  };
}

export function toMessageDetailJson(
  m: Message,
  attempts: MessageAttempt[],
  events: MessageEvent[],
): z.infer<typeof messageDetailJson> {
  return {
    ...toMessageJson(m),
    cc: m.cc,
    bcc: m.bcc,
    html: m.html,
    text: m.text,
    body: m.body,
    media_urls: m.mediaUrls,
    attachments: (m.attachments ?? []).map((a) => ({
      filename: a.filename,
      content_type: a.content_type,
      size: base64DecodedBytes(a.content_base64),
    })),
    attempts: attempts.map((a) => ({
      provider_id: a.providerId,
      provider_type: a.providerType,
      at: a.at.toISOString(),
      outcome: a.outcome,
      error: a.error,
      duration_ms: a.durationMs,
      response: a.response,
    })),
    events: events.map((e) => ({ type: e.type, at: e.at.toISOString(), data: e.data })),
  };
}
