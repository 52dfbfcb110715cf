import type { NextConfig } from "next";

const dev = process.env.NODE_ENV === "development";

/**
 * SPEC §11 security headers, on every response (pages, API, tracking routes).
 * script-src allows 'unsafe-inline' rather than nonces: Next's inline bootstrap
 * scripts would otherwise need a per-request nonce from proxy.ts, which makes
 * every page dynamic and cannot be checked without a browser; the untrusted
 * HTML the console shows (email previews) sits in sandbox="" srcdoc frames that
 * run no script at all. Those frames inherit this policy, hence img-src https:
 * and inline styles for email HTML; frame-src needs nothing for srcdoc.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];

const nextConfig: NextConfig = {
  // PGlite ships WASM and a data directory layout that bundlers must not touch;
  // rate-limiter-flexible imports drizzle-orm dynamically by a computed name.
  serverExternalPackages: ["@electric-sql/pglite", "rate-limiter-flexible", "postgres"],
  poweredByHeader: false,
  typedRoutes: false,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
