import { eq } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { type Organisation, organisations } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { diff, recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import type { SettingsUpdate } from "@/lib/validation/settings";
import { getOrganisation } from "./organisations";

/** The organisation's settings (every member may read them). */
export async function getSettings({ ctx }: { ctx: Ctx }): Promise<Organisation> {
  return getOrganisation(await getDb(), ctx.orgId);
}

/** Changes the organisation's settings (admin); null resets a keyword reply to the built-in wording. */
export async function updateSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: SettingsUpdate;
}): Promise<Organisation> {
  requirePermission(ctx, "users:manage");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const before = await getOrganisation(tx, ctx.orgId);
    const values = {
      name: input.name ?? before.name,
      defaultRegion: input.default_region ?? before.defaultRegion,
      smsStopReply: input.sms_stop_reply === undefined ? before.smsStopReply : input.sms_stop_reply,
      smsStartReply: input.sms_start_reply === undefined ? before.smsStartReply : input.sms_start_reply,
      smsHelpReply: input.sms_help_reply === undefined ? before.smsHelpReply : input.sms_help_reply,
      quietHoursStart: input.quiet_hours_start ?? before.quietHoursStart,
      quietHoursEnd: input.quiet_hours_end ?? before.quietHoursEnd,
      retentionDays: input.retention_days === undefined ? before.retentionDays : input.retention_days,
    };
    const [row] = await tx
      .update(organisations)
      .set(values)
      .where(eq(organisations.id, ctx.orgId))
      .returning()
      .catch((e: { code?: string; cause?: { code?: string } }) => {
        if (e.code === "23505" || e.cause?.code === "23505") {
          throw AppError.validation([{ field: "name", message: "is already used by another organisation" }]);
        }
        throw e;
      });
    if (!row) throw AppError.notFound("Organisation");
    const changes = diff(before as unknown as Record<string, unknown>, values);
    if (Object.keys(changes).length) {
      await recordAudit(tx, ctx, {
        action: "settings.updated",
        resourceType: "organisation",
        resourceId: ctx.orgId,
        changes,
      });
    }
    return row;
  });
}
