import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { users } from "@/lib/db/schema";
import { burnPasswordCheck, verifyPassword } from "@/lib/services/auth/passwords";
import { limitLoginAttempt, resetLoginAttempts } from "@/lib/services/rate-limit";

export interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
}

/**
 * Checks an email and password, counting the attempt against the sign-in rate
 * limits (throws rate_limited past them). Null when the pair does not match.
 */
export async function verifyCredentials(input: {
  email: string;
  password: string;
  ip: string | null;
}): Promise<SignedInUser | null> {
  const email = input.email.trim().toLowerCase();
  await limitLoginAttempt(input.ip, email);
  const db = await getDb();
  const [user] = await db.select().from(users).where(eq(users.email, email));
  if (!user) {
    await burnPasswordCheck(input.password);
    return null;
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) return null;
  await resetLoginAttempts(input.ip, email);
  return { id: user.id, email: user.email, name: user.name };
}
