import { asc, eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { memberships, organisations, type Role, users } from "@/lib/db/schema";

export interface UserMembership {
  orgId: string;
  orgName: string;
  role: Role;
}

/** The organisations a user belongs to, with the role in each, by name. */
export async function membershipsOf(userId: string): Promise<UserMembership[]> {
  const db = await getDb();
  return db
    .select({ orgId: organisations.id, orgName: organisations.name, role: memberships.role })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organisations.name));
}

export async function findUser(userId: string) {
  const db = await getDb();
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.id, userId));
  return user ?? null;
}
