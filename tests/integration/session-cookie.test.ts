import { describe, expect, it } from "vitest";
import { makeOrg, makeUser } from "../factories";
import { postCredentials, randomOctet, SOCKET_HEADER } from "../sign-in-route";

// The public URL is https (TLS ends at a proxy); the request reaches the app over plain http.
process.env.APP_URL = "https://switchboard.example";

describe("session cookie with an https APP_URL", () => {
  it("is HttpOnly, SameSite=Lax and Secure even when the request arrived over http", {
    timeout: 90_000,
  }, async () => {
    const { name } = await makeOrg();
    const user = await makeUser(name);
    const r = await postCredentials(user.email, user.password, {
      [SOCKET_HEADER]: `192.0.2.${randomOctet()}`,
    });
    expect(r.status).toBe(302);
    const session = r.cookies.find((c) => c.startsWith("__Secure-authjs.session-token="));
    expect(session, r.cookies.join("\n")).toBeDefined();
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    expect(session).toMatch(/;\s*Secure/i);
  });
});
