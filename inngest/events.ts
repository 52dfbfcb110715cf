import { z } from "zod";

/** Typed events, named domain/noun.verb. */
export const events = {
  "messages/message.requested": z.object({
    messageId: z.uuid(),
    orgId: z.uuid(),
    /** ISO time to wait for before sending (schedules and quiet hours). */
    sendAt: z.string().nullable().optional(),
  }),
  "contacts/import.requested": z.object({ importId: z.uuid(), orgId: z.uuid() }),
  "campaigns/campaign.launched": z.object({ campaignId: z.uuid(), orgId: z.uuid() }),
  "campaigns/campaign.dispatch": z.object({
    campaignId: z.uuid(),
    orgId: z.uuid(),
    run: z.number().int().optional(),
    /** Which of the campaign's parallel lanes this run is, and the fan-out (launch, resume, rollout) it belongs to. */
    lane: z.number().int().min(0).optional(),
    gen: z.string().optional(),
  }),
  /** An A/B campaign's winner is to be decided (after its wait) and sent to the rest. */
  "campaigns/ab.decide": z.object({ campaignId: z.uuid(), orgId: z.uuid() }),
  /** Outgoing-webhook events were written to the outbox: fan them out and deliver. */
  "webhooks/outbox.written": z.object({}),
} as const;

export type EventName = keyof typeof events;
export type EventData<N extends EventName> = z.infer<(typeof events)[N]>;

export interface OutgoingEvent<N extends EventName = EventName> {
  name: N;
  data: EventData<N>;
  /** Deterministic id so that a retried emit is delivered once. */
  id: string;
}
