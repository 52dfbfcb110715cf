import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { auditLog, users } from "@/lib/db/schema";
import { isAppError } from "@/lib/errors";
import { verifyCredentials } from "@/lib/services/auth/sign-in";
import type { Ctx } from "@/lib/services/context";
import { changeOwnPassword, sessionVersionOf } from "@/lib/services/users/password";
import { makeOrg, makeUser } from "../factories";

async function codeOf(p: Promise<unknown>) {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (isAppError(e)) return `${e.code}:${JSON.stringify(e.details ?? null)}`;
    throw e;
  }
}

describe("changing one's own password", () => {
  it("needs the current password, moves the session version on, and the new password signs in", async () => {
    const { name, orgId } = await makeOrg();
    const u = await makeUser(name, "staff");
    const ctx: Ctx = {
      orgId,
      role: "staff",
      actor: { type: "user", id: u.userId, label: u.email },
      ip: null,
    };
    const before = await sessionVersionOf(u.userId);
    const wrong = await codeOf(
      changeOwnPassword({
        ctx,
        input: {
          current_password: "not it at all",
          new_password: "a brand new one",
          confirm_password: "a brand new one",
        },
      }),
    );
    expect(wrong).toContain("current_password");
    expect(await sessionVersionOf(u.userId)).toBe(before);
    const same = await codeOf(
      changeOwnPassword({
        ctx,
        input: { current_password: u.password, new_password: u.password, confirm_password: u.password },
      }),
    );
    expect(same).toContain("new_password");

    await changeOwnPassword({
      ctx,
      input: {
        current_password: u.password,
        new_password: "a brand new one",
        confirm_password: "a brand new one",
      },
    });
    expect(await sessionVersionOf(u.userId)).toBe(before + 1);
    expect(
      await verifyCredentials({ email: u.email, password: "a brand new one", ip: "192.0.2.50" }),
    ).toMatchObject({
      id: u.userId,
    });
    expect(await verifyCredentials({ email: u.email, password: u.password, ip: "192.0.2.51" })).toBeNull();
    const db = await getDb();
    const [row] = await db.select().from(users).where(eq(users.id, u.userId));
    expect(row?.passwordHash).not.toContain("a brand new one");
    const audit = await db.select().from(auditLog).where(eq(auditLog.resourceId, u.userId));
    expect(audit.map((a) => a.action)).toContain("user.password_changed");
  });

  it("is refused for an API key, which has no password", async () => {
    const { orgId } = await makeOrg();
    const ctx: Ctx = { orgId, role: "admin", actor: { type: "api_key", id: "k", label: "key" }, ip: null };
    const r = await codeOf(
      changeOwnPassword({
        ctx,
        input: { current_password: "x", new_password: "y".repeat(12), confirm_password: "y".repeat(12) },
      }),
    );
    expect(r.startsWith("forbidden")).toBe(true);
  });
});
