import { z } from "zod";
import { MESSAGE_STATUSES } from "@/lib/db/schema/messages";
import { listQuery } from "./common";

/** GET /conversations: threads newest activity first, optionally searched by number. */
export const conversationQuery = listQuery.extend({
  q: z
    .string()
    .trim()
    .max(40, "must be at most 40 characters")
    .optional()
    .describe("Part of the number, e.g. +1202 or 555 0142"),
});
export type ConversationQuery = z.infer<typeof conversationQuery>;

/** GET /conversations/messages: one thread, newest page first; next_cursor pages to older messages. */
export const conversationThreadQuery = listQuery.extend({
  number: z
    .string({ error: "is required" })
    .trim()
    .min(1, "is required")
    .max(40, "must be at most 40 characters")
    .describe("The counterpart number (E.164, or a short code / sender id as received)"),
});
export type ConversationThreadQuery = z.infer<typeof conversationThreadQuery>;

export const conversationJson = z
  .object({
    number: z.string().describe("The counterpart: the sender of inbound, the recipient of outbound SMS"),
    last_message_at: z.string(),
    last_direction: z.enum(["inbound", "outbound"]),
    last_body: z.string().nullable(),
    message_count: z.number(),
    inbound_count: z.number(),
    opted_out: z.boolean().describe("The number opted out of all SMS (e.g. replied STOP)"),
  })
  .meta({ id: "Conversation" });
export type ConversationJson = z.infer<typeof conversationJson>;

export const conversationMessageJson = z
  .object({
    id: z.uuid(),
    direction: z.enum(["inbound", "outbound"]),
    body: z.string().nullable(),
    status: z.enum(MESSAGE_STATUSES),
    error: z.string().nullable(),
    created_at: z.string(),
    provider_type: z.string().nullable(),
  })
  .meta({ id: "ConversationMessage" });
export type ConversationMessageJson = z.infer<typeof conversationMessageJson>;

export const conversationThreadJson = z
  .object({
    number: z.string(),
    opted_out: z.boolean(),
    data: z.array(conversationMessageJson).describe("Oldest to newest within the page"),
    next_cursor: z.string().nullable().describe("Pages to older messages"),
  })
  .meta({ id: "ConversationThread" });
export type ConversationThreadJson = z.infer<typeof conversationThreadJson>;
