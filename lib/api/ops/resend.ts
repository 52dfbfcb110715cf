import { z } from "zod";
import { op } from "@/lib/api/operation";
import { uuidParam } from "@/lib/validation/common";
import { messageJson } from "@/lib/validation/messages";

const params = z.object({ id: uuidParam });
export const resendOps = {
  message: op({
    method: "POST",
    path: "/messages/{id}/resend",
    tag: "Messages",
    summary: "Send a failed, undelivered or bounced message again as a new message (consent checked again)",
    permission: "messages:send",
    params,
    response: messageJson,
    status: 202,
  }),
  campaign: op({
    method: "POST",
    path: "/campaigns/{id}/resend-failed",
    tag: "Campaigns",
    summary: "Send the failed and undelivered messages of a completed campaign again, each once",
    permission: "messages:send",
    params,
    response: z
      .object({
        queued: z.number().int().describe("Messages queued now"),
        skipped: z.number().int().describe("Recipients not queued: opted out or suppressed since"),
      })
      .meta({ id: "ResendFailedResult" }),
    status: 202,
  }),
};
