import { eq } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import { type BillingProfile, billingProfiles } from "@/lib/db/schema";
import { diff, recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import type { ProfileUpdate } from "@/lib/validation/billing";
import { assertBillingConfigured } from "./stripe";

export async function getProfileRow(db: Executor, orgId: string): Promise<BillingProfile | null> {
  const [row] = await db.select().from(billingProfiles).where(eq(billingProfiles.orgId, orgId));
  return row ?? null;
}

/** What our invoice PDFs print as the issuer. */
export async function getProfile({ ctx }: { ctx: Ctx }): Promise<BillingProfile | null> {
  requirePermission(ctx, "billing:read");
  assertBillingConfigured();
  return getProfileRow(await getDb(), ctx.orgId);
}

/** Replaces the invoice issuer details; fields left out are cleared. */
export async function updateProfile({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ProfileUpdate;
}): Promise<BillingProfile> {
  requirePermission(ctx, "billing:write");
  assertBillingConfigured();
  const db = await getDb();
  return db.transaction(async (tx) => {
    const before = await getProfileRow(tx, ctx.orgId);
    const values = {
      legalName: input.legal_name ?? null,
      email: input.email ?? null,
      address: input.address ?? null,
      taxId: input.tax_id ?? null,
      footer: input.footer ?? null,
    };
    const [row] = await tx
      .insert(billingProfiles)
      .values({ orgId: ctx.orgId, ...values })
      .onConflictDoUpdate({ target: billingProfiles.orgId, set: { ...values, updatedAt: new Date() } })
      .returning();
    if (!row) throw new Error("billing profile upsert returned nothing");
    await recordAudit(tx, ctx, {
      action: "billing.profile.updated",
      resourceType: "billing_profile",
      resourceId: ctx.orgId,
      changes: diff(
        {
          legal_name: before?.legalName ?? null,
          email: before?.email ?? null,
          address: before?.address ?? null,
          tax_id: before?.taxId ?? null,
          footer: before?.footer ?? null,
        },
        {
          legal_name: values.legalName,
          email: values.email,
          address: values.address,
          tax_id: values.taxId,
          footer: values.footer,
        },
      ),
    });
    return row;
  });
}
