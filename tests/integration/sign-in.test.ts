import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { verifyCredentials } from "@/lib/services/auth/sign-in";
import { LOGIN_LIMITS } from "@/lib/services/rate-limit";
import { makeOrg, makeUser, uniq } from "../factories";

describe("sign-in", () => {
  it("accepts the right password, in any email case, and refuses a wrong one", async () => {
    const { name } = await makeOrg();
    const user = await makeUser(name);
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    expect(
      await verifyCredentials({ email: user.email.toUpperCase(), password: user.password, ip }),
    ).toMatchObject({
      id: user.userId,
    });
    expect(await verifyCredentials({ email: user.email, password: "wrong", ip })).toBeNull();
    expect(await verifyCredentials({ email: `${uniq("ghost")}@example.test`, password: "x", ip })).toBeNull();
  });

  it("limits attempts per IP and email with a retry time, without locking out other addresses", async () => {
    const { name } = await makeOrg();
    const user = await makeUser(name);
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < LOGIN_LIMITS.perEmailAndIp.points; i++) {
      expect(await verifyCredentials({ email: user.email, password: "wrong", ip })).toBeNull();
    }
    const err = await verifyCredentials({ email: user.email, password: user.password, ip }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(429);
    expect(err.retryAfterSeconds).toBeGreaterThan(60);
    // The same account from another address still signs in.
    expect(
      await verifyCredentials({ email: user.email, password: user.password, ip: "203.0.113.77" }),
    ).not.toBeNull();
  });
});
