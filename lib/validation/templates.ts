import { z } from "zod";
import type { Template, TemplateVersion } from "@/lib/db/schema";
import { listQuery } from "./common";

export const categorySchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z][a-z0-9_-]{0,39}$/,
    "must be a short lowercase name such as transactional, marketing, otp, reminder",
  );

const content = {
  subject: z.string().max(998, "must be at most 998 characters").nullish(),
  html: z.string().max(500_000).nullish(),
  text: z.string().max(500_000).nullish(),
  body: z.string().max(1600, "must be at most 1,600 characters").nullish(),
};

export const templateCreate = z
  .object({
    channel: z.enum(["email", "sms"]),
    name: z.string().trim().min(1, "is required").max(120, "must be at most 120 characters"),
    category: categorySchema.default("transactional"),
    active: z.boolean().default(true),
    ...content,
  })
  .superRefine((t, ctx) => {
    if (t.channel === "email") {
      if (!t.subject?.trim())
        ctx.addIssue({ code: "custom", path: ["subject"], message: "is required for an email template" });
      if (!t.html?.trim() && !t.text?.trim()) {
        ctx.addIssue({
          code: "custom",
          path: ["html"],
          message: "an email template needs an HTML or a text body",
        });
      }
    } else if (!t.body?.trim()) {
      ctx.addIssue({ code: "custom", path: ["body"], message: "is required for an SMS template" });
    }
  })
  .meta({ id: "TemplateCreate" });
export type TemplateCreate = z.infer<typeof templateCreate>;

export const templateUpdate = z
  .object({
    name: z.string().trim().min(1, "is required").max(120).optional(),
    category: categorySchema.optional(),
    active: z.boolean().optional(),
    ...content,
  })
  .meta({ id: "TemplateUpdate" });
export type TemplateUpdate = z.infer<typeof templateUpdate>;

export const templateQuery = listQuery.extend({
  channel: z.enum(["email", "sms"]).optional(),
  category: z.string().optional(),
  q: z.string().trim().optional(),
});
export type TemplateQuery = z.infer<typeof templateQuery>;

export const templatePreview = z
  .object({ variables: z.record(z.string(), z.unknown()).default({}) })
  .meta({ id: "TemplatePreviewRequest" });

export const templateJson = z
  .object({
    id: z.uuid(),
    channel: z.enum(["email", "sms"]),
    name: z.string(),
    category: z.string(),
    subject: z.string().nullable(),
    html: z.string().nullable(),
    text: z.string().nullable(),
    body: z.string().nullable(),
    active: z.boolean(),
    version: z.number(),
    variables: z.array(z.string()).describe("Top-level variables the template uses"),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Template" });

export const templateVersionJson = z
  .object({
    version: z.number(),
    category: z.string(),
    subject: z.string().nullable(),
    html: z.string().nullable(),
    text: z.string().nullable(),
    body: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: "TemplateVersion" });

export const templatePreviewJson = z
  .object({
    subject: z.string().nullable(),
    html: z.string().nullable(),
    text: z.string().nullable(),
    body: z.string().nullable(),
    missing_variables: z.array(z.string()),
    sms: z
      .object({ encoding: z.enum(["GSM-7", "UCS-2"]), segments: z.number(), characters: z.number() })
      .nullable()
      .optional(),
  })
  .meta({ id: "TemplatePreview" });

export function toTemplateJson(t: Template, variables: string[]): z.infer<typeof templateJson> {
  return {
    id: t.id,
    channel: t.channel,
    name: t.name,
    category: t.category,
    subject: t.subject,
    html: t.html,
    text: t.text,
    body: t.body,
    active: t.active,
    version: t.version,
    variables,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

export function toTemplateVersionJson(v: TemplateVersion): z.infer<typeof templateVersionJson> {
  return {
    version: v.version,
    category: v.category,
    subject: v.subject,
    html: v.html,
    text: v.text,
    body: v.body,
    created_at: v.createdAt.toISOString(),
  };
}
