import type { DefinedFunction } from "./define";
import { syncBilling } from "./functions/billing/sync";
import { decideAbCampaign, dispatchCampaignRun, launchCampaignRun } from "./functions/campaigns/run";
import { importContacts } from "./functions/contacts/import";
import { fetchPricesCron } from "./functions/costs/fetch-prices";
import { dispatchScheduled } from "./functions/messages/dispatch-scheduled";
import { sendMessage } from "./functions/messages/send";
import { deliverOutgoingWebhooks, sweepOutgoingWebhooks } from "./functions/outgoing-webhooks/deliver";
import { dailyRetention } from "./functions/reports/retention";
import { runScheduledReports } from "./functions/reports/scheduled";
import { rebuildRollupsCron, refreshRollupsCron } from "./functions/rollups/refresh";
import { pollDeliveryStatus } from "./functions/webhooks/poll-delivery-status";
import { pruneNonces } from "./functions/webhooks/prune-nonces";

/** Every function: served at /api/inngest, and run by the embedded runner when Inngest is not configured. */
export const functions = [
  sendMessage,
  importContacts,
  dispatchScheduled,
  launchCampaignRun,
  dispatchCampaignRun,
  decideAbCampaign,
  pollDeliveryStatus,
  pruneNonces,
  syncBilling,
  refreshRollupsCron,
  rebuildRollupsCron,
  fetchPricesCron,
  runScheduledReports,
  dailyRetention,
  deliverOutgoingWebhooks,
  sweepOutgoingWebhooks,
] as unknown as DefinedFunction[];
