import { eq } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { type Organisation, organisations } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createDefaultProviders } from "@/lib/services/providers/providers";
import { createDefaultTemplates } from "@/lib/services/templates/defaults";

/** Finds an organisation by exact name, creating it when it does not exist yet. */
export async function findOrCreateOrganisation(tx: Executor, name: string): Promise<Organisation> {
  const trimmed = name.trim();
  if (!trimmed) throw AppError.validation([{ field: "org", message: "is required" }]);
  const created = await tx.insert(organisations).values({ name: trimmed }).onConflictDoNothing().returning();
  if (created[0]) {
    await createDefaultProviders(tx, created[0].id);
    await createDefaultTemplates(tx, created[0].id);
    return created[0];
  }
  const [org] = await tx.select().from(organisations).where(eq(organisations.name, trimmed));
  if (!org) throw new AppError("internal_error", "organisation could not be created");
  return org;
}

export async function getOrganisation(tx: Executor, orgId: string): Promise<Organisation> {
  const [org] = await tx.select().from(organisations).where(eq(organisations.id, orgId));
  if (!org) throw AppError.notFound("Organisation");
  return org;
}
