import { z } from "zod";
import type { Organisation } from "@/lib/db/schema";

const reply = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(480, "must be at most 480 characters (3 SMS segments)")
  .nullable();

export const settingsUpdate = z
  .object({
    name: z.string().trim().min(1, "is required").max(120).optional(),
    default_region: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}$/, "must be a two-letter country code such as US or GB")
      .transform((r) => r.toUpperCase())
      .optional(),
    sms_stop_reply: reply.optional(),
    sms_start_reply: reply.optional(),
    sms_help_reply: reply.optional(),
  })
  .meta({ id: "SettingsUpdate" });
export type SettingsUpdate = z.infer<typeof settingsUpdate>;

export const settingsJson = z
  .object({
    id: z.uuid(),
    name: z.string(),
    default_region: z.string(),
    sms_stop_reply: z.string().nullable().describe("null: the built-in wording"),
    sms_start_reply: z.string().nullable(),
    sms_help_reply: z.string().nullable(),
    defaults: z.object({
      sms_stop_reply: z.string(),
      sms_start_reply: z.string(),
      sms_help_reply: z.string(),
    }),
  })
  .meta({ id: "Settings" });

export function toSettingsJson(
  o: Organisation,
  defaults: { stop: string; start: string; help: string },
): z.infer<typeof settingsJson> {
  return {
    id: o.id,
    name: o.name,
    default_region: o.defaultRegion,
    sms_stop_reply: o.smsStopReply,
    sms_start_reply: o.smsStartReply,
    sms_help_reply: o.smsHelpReply,
    defaults: {
      sms_stop_reply: defaults.stop,
      sms_start_reply: defaults.start,
      sms_help_reply: defaults.help,
    },
  };
}
