import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { memberships, type Role, users } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/services/audit/record";
import { hashPassword } from "@/lib/services/auth/passwords";
import { systemCtx } from "@/lib/services/context";
import { findOrCreateOrganisation } from "@/lib/services/orgs/organisations";
import { emailSchema, passwordSchema } from "@/lib/validation/users";

export interface ProvisionInput {
  email: string;
  password: string;
  org: string;
  role: Role;
  name?: string;
}

/**
 * Operator provisioning (CLI, seeding): creates the organisation when missing,
 * creates the user or sets its password, and gives it the role there.
 */
export async function provisionUser(input: ProvisionInput, actorLabel = "cli") {
  const email = emailSchema.safeParse(input.email);
  const password = passwordSchema.safeParse(input.password);
  const issues = [
    ...(email.success ? [] : [{ field: "email", message: email.error.issues[0]?.message ?? "is invalid" }]),
    ...(password.success
      ? []
      : [{ field: "password", message: password.error.issues[0]?.message ?? "is invalid" }]),
  ];
  if (!email.success || !password.success) throw AppError.validation(issues);
  const passwordHash = await hashPassword(password.data);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const org = await findOrCreateOrganisation(tx, input.org);
    const ctx = systemCtx(org.id, actorLabel);
    const [existing] = await tx.select().from(users).where(eq(users.email, email.data));
    let userId: string;
    if (existing) {
      await tx
        .update(users)
        .set({ passwordHash, name: input.name ?? existing.name })
        .where(eq(users.id, existing.id));
      userId = existing.id;
    } else {
      const [created] = await tx
        .insert(users)
        .values({ email: email.data, name: input.name ?? null, passwordHash })
        .returning();
      if (!created) throw new AppError("internal_error", "user could not be created");
      userId = created.id;
    }
    await tx
      .insert(memberships)
      .values({ orgId: org.id, userId, role: input.role })
      .onConflictDoUpdate({ target: [memberships.orgId, memberships.userId], set: { role: input.role } });
    await recordAudit(tx, ctx, {
      action: existing ? "member.provisioned" : "user.created",
      resourceType: "user",
      resourceId: userId,
      changes: { email: email.data, role: input.role, password: "set" },
    });
    return { userId, orgId: org.id, orgName: org.name, created: !existing };
  });
}
