import { op } from "@/lib/api/operation";
import { settingsJson, settingsUpdate } from "@/lib/validation/settings";

export const settingsOps = {
  get: op({
    method: "GET",
    path: "/settings",
    tag: "Settings",
    summary: "The organisation's settings",
    response: settingsJson,
  }),
  update: op({
    method: "PATCH",
    path: "/settings",
    tag: "Settings",
    summary:
      "Change the organisation's settings: name, default phone region, SMS keyword replies, marketing SMS quiet hours (admin)",
    permission: "users:manage",
    body: settingsUpdate,
    response: settingsJson,
  }),
};
