import { eq, sql } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { users } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/services/audit/record";
import { hashPassword, verifyPassword } from "@/lib/services/auth/passwords";
import type { Ctx } from "@/lib/services/context";
import type { PasswordChange } from "@/lib/validation/users";

/**
 * Changes the signed-in person's own password: the current one is required, and
 * every session signed in before the change stops working (the session version
 * moves on; the caller signs this browser in again with the new password).
 */
export async function changeOwnPassword({ ctx, input }: { ctx: Ctx; input: PasswordChange }): Promise<void> {
  if (ctx.actor.type !== "user") {
    throw AppError.forbidden("Only a signed-in person can change their own password");
  }
  const userId = ctx.actor.id;
  const db = await getDb();
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw AppError.notFound("User");
  if (!(await verifyPassword(input.current_password, user.passwordHash))) {
    throw AppError.validation([{ field: "current_password", message: "is not your current password" }]);
  }
  if (input.current_password === input.new_password) {
    throw AppError.validation([{ field: "new_password", message: "must differ from the current password" }]);
  }
  const passwordHash = await hashPassword(input.new_password);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, userId));
    await recordAudit(tx, ctx, {
      action: "user.password_changed",
      resourceType: "user",
      resourceId: userId,
      changes: { password: "[redacted]", other_sessions: "signed out" },
    });
  });
}

/** The user's current session version, stamped into a session when it signs in. */
export async function sessionVersionOf(userId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ v: users.sessionVersion }).from(users).where(eq(users.id, userId));
  return row?.v ?? 0;
}
