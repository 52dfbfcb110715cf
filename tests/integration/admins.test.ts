import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { changeMemberRole, listMembers, removeMember } from "@/lib/services/users/members";
import { makeOrg, makeUser } from "../factories";

const asUser = (orgId: string, userId: string): Ctx => ({
  orgId,
  role: "admin",
  actor: { type: "user", id: userId, label: "admin" },
  ip: null,
});

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
}

describe("admins and their own membership", () => {
  it("an admin cannot change their own role, even with another admin present", async () => {
    const { name, orgId } = await makeOrg();
    const a = await makeUser(name, "admin");
    await makeUser(name, "admin");
    const result = await outcome(
      changeMemberRole({ ctx: asUser(orgId, a.userId), userId: a.userId, input: { role: "staff" } }),
    );
    expect(result).toBe("own_membership");
  });

  it("two admins demoting each other at once leave one admin", async () => {
    const { name, orgId } = await makeOrg();
    const a = await makeUser(name, "admin");
    const b = await makeUser(name, "admin");
    const results = await Promise.all([
      outcome(changeMemberRole({ ctx: asUser(orgId, a.userId), userId: b.userId, input: { role: "staff" } })),
      outcome(changeMemberRole({ ctx: asUser(orgId, b.userId), userId: a.userId, input: { role: "staff" } })),
    ]);
    expect(results.sort()).toEqual(["last_admin", "ok"]);
    const members = await listMembers({ ctx: asUser(orgId, a.userId) });
    expect(members.filter((m) => m.role === "admin")).toHaveLength(1);
  });

  it("two admins removing each other at once leave one admin", async () => {
    const { name, orgId } = await makeOrg();
    const a = await makeUser(name, "admin");
    const b = await makeUser(name, "admin");
    const results = await Promise.all([
      outcome(removeMember({ ctx: asUser(orgId, a.userId), userId: b.userId })),
      outcome(removeMember({ ctx: asUser(orgId, b.userId), userId: a.userId })),
    ]);
    expect(results.sort()).toEqual(["last_admin", "ok"]);
  });
});
