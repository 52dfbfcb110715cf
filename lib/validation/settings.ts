import { z } from "zod";
import type { Organisation } from "@/lib/db/schema";

const reply = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(480, "must be at most 480 characters (3 SMS segments)")
  .nullable();

const clock = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day as HH:MM, for example 21:00");

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
    quiet_hours_start: clock
      .optional()
      .describe(
        "Local time (in each recipient's zone) from which marketing SMS waits; equal to the end: no quiet hours",
      ),
    quiet_hours_end: clock.optional().describe("Local time at which held marketing SMS is sent"),
    retention_days: z
      .number({ message: "must be a whole number of days" })
      .int("must be a whole number of days")
      .min(7, "must be at least 7 days")
      .max(3650, "must be at most 3650 days (10 years)")
      .nullable()
      .optional()
      .describe("Message bodies older than this are purged daily (counts and costs stay); null keeps them"),
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
    quiet_hours_start: z.string().describe("HH:MM, default 21:00"),
    quiet_hours_end: z.string().describe("HH:MM, default 08:00"),
    retention_days: z.number().nullable().describe("null: message bodies are kept"),
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
    quiet_hours_start: o.quietHoursStart,
    quiet_hours_end: o.quietHoursEnd,
    retention_days: o.retentionDays,
    defaults: {
      sms_stop_reply: defaults.stop,
      sms_start_reply: defaults.start,
      sms_help_reply: defaults.help,
    },
  };
}
