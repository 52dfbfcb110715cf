import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { users } from "@/lib/db/schema";
import { verifyPassword } from "@/lib/services/auth/passwords";
import { provisionUser } from "@/lib/services/users/accounts";

export const DEMO_ORG = "Demo Organisation";
export const DEMO_EMAIL = "admin@switchboard.local";

const credentialsFile = () => path.join(config().dataDir, "demo-admin.json");

/**
 * Seeds the demo organisation and its admin once. The generated password is
 * kept only in DATA_DIR (never in the database) so start-up can print it.
 */
export async function seedDemo(): Promise<{ created: boolean; email: string }> {
  const db = await getDb();
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_EMAIL));
  if (existing) return { created: false, email: DEMO_EMAIL };
  const password = randomBytes(12).toString("base64url");
  await provisionUser(
    { email: DEMO_EMAIL, password, org: DEMO_ORG, role: "admin", name: "Demo Admin" },
    "seed",
  );
  writeFileSync(credentialsFile(), `${JSON.stringify({ email: DEMO_EMAIL, password })}\n`, { mode: 0o600 });
  return { created: true, email: DEMO_EMAIL };
}

/** The demo admin's sign-in, while it still has the generated password; else null. */
export async function demoCredentials(): Promise<{ email: string; password: string } | null> {
  if (!existsSync(credentialsFile())) return null;
  const saved = JSON.parse(readFileSync(credentialsFile(), "utf8")) as { email: string; password: string };
  const db = await getDb();
  const [user] = await db.select().from(users).where(eq(users.email, saved.email));
  if (!user || !(await verifyPassword(saved.password, user.passwordHash))) return null;
  return saved;
}
