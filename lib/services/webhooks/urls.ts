import type { Provider } from "@/lib/db/schema";
import { adapterFor } from "@/lib/providers/registry";
import { publicBaseUrl } from "@/lib/services/tracking/tokens";
import { webhookContext } from "./context";

/** The URLs to paste into each provider's console, by purpose. */
export function webhookUrls(p: Provider): { purpose: string; url: string }[] {
  const base = `${publicBaseUrl()}/api/webhooks`;
  switch (p.type) {
    case "twilio":
      return [
        { purpose: "Status callback (delivery reports)", url: `${base}/twilio/${p.id}/status` },
        { purpose: "Incoming messages (A message comes in)", url: `${base}/twilio/${p.id}/inbound` },
      ];
    case "sendgrid":
    case "ses":
    case "mailgun":
      return [
        {
          purpose: "Event webhook (deliveries, bounces, complaints, opens, clicks)",
          url: `${base}/${p.type}/${p.id}`,
        },
      ];
    case "vonage":
    case "messagebird":
      return [{ purpose: "Delivery receipts and inbound messages", url: `${base}/${p.type}/${p.id}` }];
    case "africastalking":
      return [
        {
          purpose:
            "Delivery reports and incoming messages (the token authenticates the callback: keep it secret)",
          url: `${base}/africastalking/${p.id}?token=${callbackToken(p) ?? "(save the API key first)"}`,
        },
      ];
    default:
      return [];
  }
}

/** The secret token of a provider's callback URL, for providers whose URL carries one. */
function callbackToken(p: Provider): string | null {
  const ctx = webhookContext(p);
  const hook = adapterFor(p.type).webhook;
  return ctx && hook?.callbackToken ? hook.callbackToken(ctx) : null;
}

/** Where Twilio should post status callbacks for a message, when the app has a public URL. */
export function statusCallbackFor(
  p: Pick<Provider, "id" | "type">,
  appUrl: string | undefined,
): string | undefined {
  if (!appUrl) return undefined;
  if (p.type === "twilio") return `${appUrl}/api/webhooks/twilio/${p.id}/status`;
  if (p.type === "vonage" || p.type === "messagebird") return `${appUrl}/api/webhooks/${p.type}/${p.id}`;
  return undefined;
}
