import type { DefinedFunction } from "./define";
import { syncBilling } from "./functions/billing/sync";
import { dispatchCampaignRun, launchCampaignRun } from "./functions/campaigns/run";
import { importContacts } from "./functions/contacts/import";
import { dispatchScheduled } from "./functions/messages/dispatch-scheduled";
import { sendMessage } from "./functions/messages/send";
import { pollDeliveryStatus } from "./functions/webhooks/poll-delivery-status";

/** Every function: served at /api/inngest, and run by the embedded runner when Inngest is not configured. */
export const functions = [
  sendMessage,
  importContacts,
  dispatchScheduled,
  launchCampaignRun,
  dispatchCampaignRun,
  pollDeliveryStatus,
  syncBilling,
] as unknown as DefinedFunction[];
