import { describe, expect, it } from "vitest";
import { secureCookies } from "@/lib/auth/nextauth";
import nextConfig from "@/next.config";

// next.config's headers() is applied by Next itself; e2e/foundation.spec.ts checks a served page and API call.
describe("security headers (SPEC §11)", () => {
  it("are sent on every path: pages, the API and the tracking routes", async () => {
    const rules = (await nextConfig.headers?.()) ?? [];
    const all = rules.find((r) => r.source === "/:path*");
    expect(all, "one rule for every path").toBeDefined();
    const headers = Object.fromEntries((all?.headers ?? []).map((h) => [h.key.toLowerCase(), h.value]));
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    const csp = Object.fromEntries(
      (headers["content-security-policy"] ?? "").split(";").map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp["object-src"]).toEqual(["'none'"]);
    expect(csp["default-src"]).toEqual(["'self'"]);
    expect(csp["script-src"]).toContain("'self'");
    expect(csp["script-src"]).not.toContain("'unsafe-eval'");
    expect(csp["form-action"]).toEqual(["'self'"]);
    // Email previews are srcdoc frames that inherit this policy: their images and inline styles must show.
    expect(csp["img-src"]).toEqual(expect.arrayContaining(["'self'", "https:", "data:"]));
    expect(csp["style-src"]).toContain("'unsafe-inline'");
  });

  it("marks the session cookie Secure exactly when APP_URL is https", () => {
    expect(secureCookies("https://switchboard.example")).toBe(true);
    expect(secureCookies("http://localhost:3000")).toBe(false);
    expect(secureCookies(undefined)).toBeUndefined();
  });
});
