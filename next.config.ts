import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite ships WASM and a data directory layout that bundlers must not touch;
  // rate-limiter-flexible imports drizzle-orm dynamically by a computed name.
  serverExternalPackages: ["@electric-sql/pglite", "rate-limiter-flexible", "postgres"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
