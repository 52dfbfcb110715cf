import { handle } from "@/lib/api/handler";
import { settingsOps } from "@/lib/api/ops/settings";
import { getSettings, updateSettings } from "@/lib/services/orgs/settings";
import { DEFAULT_REPLIES } from "@/lib/services/webhooks/inbound";
import { toSettingsJson } from "@/lib/validation/settings";

export const GET = handle(settingsOps.get, async ({ ctx }) =>
  toSettingsJson(await getSettings({ ctx }), DEFAULT_REPLIES),
);

export const PATCH = handle(settingsOps.update, async ({ ctx, body }) =>
  toSettingsJson(await updateSettings({ ctx, input: body }), DEFAULT_REPLIES),
);
