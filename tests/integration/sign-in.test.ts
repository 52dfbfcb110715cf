import { describe, expect, it } from "vitest";
import { clientIp } from "@/lib/auth/ip";
import { AppError } from "@/lib/errors";
import { verifyCredentials } from "@/lib/services/auth/sign-in";
import { LOGIN_LIMITS, limitLoginAttempt } from "@/lib/services/rate-limit";
import { makeOrg, makeUser, uniq } from "../factories";
import { postCredentials, randomOctet, SOCKET_HEADER } from "../sign-in-route";

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

describe("sign-in rate limit through the credentials route (TRUST_PROXY=0)", () => {
  it("counts failures per socket address, whatever X-Forwarded-For the client sends", {
    timeout: 90_000,
  }, async () => {
    const { name } = await makeOrg();
    const user = await makeUser(name);
    const peer = `198.51.100.${randomOctet()}`;
    for (let i = 0; i < LOGIN_LIMITS.perEmailAndIp.points; i++) {
      // A fresh forged address each time: were it believed, no limit would ever be met.
      const forged = {
        [SOCKET_HEADER]: peer,
        "x-forwarded-for": `10.${i}.${randomOctet()}.${randomOctet()}`,
      };
      const r = await postCredentials(user.email, "wrong", forged);
      expect(r.status).toBe(302);
      expect(r.location).toContain("error=CredentialsSignin");
    }
    const limited = await postCredentials(user.email, user.password, {
      [SOCKET_HEADER]: peer,
      "x-forwarded-for": "10.250.250.250",
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(60);
    // A client-sent X-Real-IP is not believed either; another socket address still signs in.
    const other = await postCredentials(user.email, user.password, {
      [SOCKET_HEADER]: `203.0.113.${randomOctet()}`,
      "x-real-ip": peer,
    });
    expect(other.status).toBe(302);
    expect(other.location).not.toContain("error");
    // Without APP_URL, over http: HttpOnly and SameSite=Lax, not Secure (session-cookie.test.ts has https).
    const session = other.cookies.find((c) => c.startsWith("authjs.session-token="));
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    expect(session).not.toMatch(/;\s*Secure/i);
  });

  it("stops an address after 100 failures across emails", { timeout: 90_000 }, async () => {
    const peer = `192.0.2.${randomOctet()}`;
    // 100 failures for as many emails, counted as the route counts them.
    for (let i = 0; i < LOGIN_LIMITS.perIp.points; i++) await limitLoginAttempt(peer, `${uniq("u")}@x.test`);
    const r = await postCredentials(`${uniq("fresh")}@example.test`, "x", {
      [SOCKET_HEADER]: peer,
      "x-forwarded-for": `10.0.0.${randomOctet()}`,
    });
    expect(r.status).toBe(429);
  });
});

describe("clientIp", () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it("is the socket address with TRUST_PROXY=0 and ignores X-Forwarded-For and X-Real-IP", () => {
    const headers = h({
      [SOCKET_HEADER]: "::ffff:192.0.2.9",
      "x-forwarded-for": "1.1.1.1",
      "x-real-ip": "2.2.2.2",
    });
    expect(clientIp(headers, 0)).toBe("192.0.2.9");
    expect(clientIp(h({ "x-forwarded-for": "1.1.1.1" }), 0)).toBeNull();
  });

  it("is the entry N hops from the right with TRUST_PROXY=N", () => {
    const headers = h({ [SOCKET_HEADER]: "10.0.0.1", "x-forwarded-for": "6.6.6.6, 192.0.2.1, 10.0.0.2" });
    expect(clientIp(headers, 1)).toBe("10.0.0.2");
    expect(clientIp(headers, 2)).toBe("192.0.2.1");
    expect(clientIp(headers, 3)).toBe("6.6.6.6");
    expect(clientIp(headers, 5)).toBe("6.6.6.6");
    expect(clientIp(h({ [SOCKET_HEADER]: "10.0.0.1" }), 1)).toBe("10.0.0.1");
    expect(clientIp(h({ [SOCKET_HEADER]: "10.0.0.1", "x-forwarded-for": "not-an-ip" }), 1)).toBe("10.0.0.1");
  });

  it("trusts the socket header only when the server announced it", () => {
    const saved = process.env.SWITCHBOARD_SOCKET_ADDRESS_HEADER;
    delete process.env.SWITCHBOARD_SOCKET_ADDRESS_HEADER;
    try {
      expect(clientIp(h({ [SOCKET_HEADER]: "192.0.2.9" }), 0)).toBeNull();
    } finally {
      process.env.SWITCHBOARD_SOCKET_ADDRESS_HEADER = saved;
    }
  });
});
