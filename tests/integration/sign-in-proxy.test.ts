import { describe, expect, it } from "vitest";
import { LOGIN_LIMITS } from "@/lib/services/rate-limit";
import { makeOrg, makeUser } from "../factories";
import { postCredentials, randomOctet, SOCKET_HEADER } from "../sign-in-route";

// One reverse proxy in front: it connects from 10.0.0.1 and appends the address it was reached from.
process.env.TRUST_PROXY = "1";
// Each attempt is a CSRF fetch plus a password check: slow on a loaded machine, hence the timeouts below.

describe("sign-in rate limit behind one proxy (TRUST_PROXY=1)", () => {
  it("keys on the right-most X-Forwarded-For entry, whatever the client put before it", {
    timeout: 90_000,
  }, async () => {
    const { name } = await makeOrg();
    const user = await makeUser(name);
    const client = `198.51.100.${randomOctet()}`;
    const via = (forged: string) => ({
      [SOCKET_HEADER]: "10.0.0.1",
      "x-forwarded-for": `${forged}, ${client}`,
    });
    for (let i = 0; i < LOGIN_LIMITS.perEmailAndIp.points; i++) {
      const r = await postCredentials(user.email, "wrong", via(`172.16.${i}.${randomOctet()}`));
      expect(r.status).toBe(302);
    }
    expect((await postCredentials(user.email, user.password, via("172.31.0.1"))).status).toBe(429);
    // Another client behind the same proxy is not locked out.
    const other = await postCredentials(user.email, user.password, {
      [SOCKET_HEADER]: "10.0.0.1",
      "x-forwarded-for": `${client}, 203.0.113.${randomOctet()}`,
    });
    expect(other.status).toBe(302);
    expect(other.location).not.toContain("error");
  });
});
