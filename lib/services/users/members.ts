import { and, asc, eq } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import { memberships, users } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/services/audit/record";
import { hashPassword } from "@/lib/services/auth/passwords";
import type { Ctx } from "@/lib/services/context";
import type { MemberCreate, MemberRow, MemberUpdate } from "@/lib/validation/users";

const memberColumns = {
  userId: users.id,
  email: users.email,
  name: users.name,
  role: memberships.role,
  createdAt: memberships.createdAt,
};

/** Lists the members of the organisation with their roles. */
export async function listMembers({ ctx }: { ctx: Ctx }): Promise<MemberRow[]> {
  requirePermission(ctx, "users:manage");
  const db = await getDb();
  return db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, ctx.orgId))
    .orderBy(asc(users.email));
}

/** Member of this organisation or NotFound, for one user id. */
export async function getMemberInOrg(ctx: Ctx, userId: string, tx?: Executor): Promise<MemberRow> {
  const db = tx ?? (await getDb());
  const [row] = await db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, ctx.orgId), eq(memberships.userId, userId)));
  if (!row) throw AppError.notFound("User");
  return row;
}

/**
 * Adds a member: an existing user (by email) joins with the role; an unknown
 * email becomes a new user, which needs a password.
 */
export async function addMember({ ctx, input }: { ctx: Ctx; input: MemberCreate }): Promise<MemberRow> {
  requirePermission(ctx, "users:manage");
  const db = await getDb();
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const userId = await db.transaction(async (tx) => {
    let [user] = await tx.select().from(users).where(eq(users.email, input.email));
    if (!user) {
      if (!passwordHash) {
        throw AppError.validation([{ field: "password", message: "is required for a new user" }]);
      }
      [user] = await tx
        .insert(users)
        .values({ email: input.email, name: input.name, passwordHash })
        .returning();
      if (!user) throw new AppError("internal_error", "user could not be created");
    }
    const inserted = await tx
      .insert(memberships)
      .values({ orgId: ctx.orgId, userId: user.id, role: input.role })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) throw AppError.conflict(`${input.email} is already a member`);
    await recordAudit(tx, ctx, {
      action: "member.added",
      resourceType: "user",
      resourceId: user.id,
      changes: { email: input.email, role: input.role, new_user: Boolean(passwordHash) },
    });
    return user.id;
  });
  return getMemberInOrg(ctx, userId);
}

/**
 * Locks the organisation's admin memberships (in id order, so concurrent changes queue
 * instead of deadlocking) and answers their user ids: two admins demoting each other
 * at once cannot both pass the "another admin remains" check.
 */
async function lockAdmins(tx: Executor, orgId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "admin")))
    .orderBy(asc(memberships.id))
    .for("update");
  return rows.map((r) => r.userId);
}

function assertNotLastAdmin(admins: string[], userId: string) {
  if (admins.length === 1 && admins[0] === userId) {
    throw new AppError("last_admin", "The organisation must keep at least one admin", undefined, 422);
  }
}

function assertNotSelf(ctx: Ctx, userId: string, what: string) {
  if (ctx.actor.type === "user" && ctx.actor.id === userId) {
    throw new AppError(
      "own_membership",
      `You cannot ${what} yourself; another admin can`,
      [{ field: "user_id", message: `is you: another admin must ${what} you` }],
      422,
    );
  }
}

/** Changes a member's role; the last admin cannot be demoted. */
export async function changeMemberRole({
  ctx,
  userId,
  input,
}: {
  ctx: Ctx;
  userId: string;
  input: MemberUpdate;
}): Promise<MemberRow> {
  requirePermission(ctx, "users:manage");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const admins = await lockAdmins(tx, ctx.orgId);
    const before = await getMemberInOrg(ctx, userId, tx);
    if (before.role === input.role) return;
    assertNotSelf(ctx, userId, "change the role of");
    if (before.role === "admin") assertNotLastAdmin(admins, userId);
    await tx
      .update(memberships)
      .set({ role: input.role })
      .where(and(eq(memberships.orgId, ctx.orgId), eq(memberships.userId, userId)));
    await recordAudit(tx, ctx, {
      action: "member.role_changed",
      resourceType: "user",
      resourceId: userId,
      changes: { role: { from: before.role, to: input.role } },
    });
  });
  return getMemberInOrg(ctx, userId);
}

/** Removes a member from the organisation (the user account stays for other organisations). */
export async function removeMember({ ctx, userId }: { ctx: Ctx; userId: string }): Promise<void> {
  requirePermission(ctx, "users:manage");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const admins = await lockAdmins(tx, ctx.orgId);
    const before = await getMemberInOrg(ctx, userId, tx);
    if (before.role === "admin") assertNotLastAdmin(admins, userId);
    await tx.delete(memberships).where(and(eq(memberships.orgId, ctx.orgId), eq(memberships.userId, userId)));
    await recordAudit(tx, ctx, {
      action: "member.removed",
      resourceType: "user",
      resourceId: userId,
      changes: { email: before.email, role: before.role },
    });
  });
}
