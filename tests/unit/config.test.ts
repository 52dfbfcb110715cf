import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "@/lib/config";

describe("configuration", () => {
  it("has working defaults with an empty environment", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      DATA_DIR: "./data",
      API_RATE_LIMIT_PER_SECOND: 100,
      LOG_LEVEL: "info",
    });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("names every bad variable", () => {
    try {
      parseEnv({
        PORT: "eighty",
        DATABASE_URL: "mysql://x",
        APP_URL: "not a url",
        APP_ENCRYPTION_KEY: "short",
        API_RATE_LIMIT_PER_SECOND: "-1",
        LOG_LEVEL: "loud",
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const names = (e as ConfigError).issues.map((i) => i.split(":")[0]).sort();
      expect(names).toEqual([
        "API_RATE_LIMIT_PER_SECOND",
        "APP_ENCRYPTION_KEY",
        "APP_URL",
        "DATABASE_URL",
        "LOG_LEVEL",
        "PORT",
      ]);
    }
  });

  it("treats empty strings as unset and accepts hex or base64 keys", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "8080" }).PORT).toBe(8080);
    expect(parseEnv({ APP_ENCRYPTION_KEY: "ab".repeat(32) }).APP_ENCRYPTION_KEY).toHaveLength(64);
    expect(
      parseEnv({ APP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") }).APP_ENCRYPTION_KEY,
    ).toBeTruthy();
  });

  it("stops npm start with a message naming the variable", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const res = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
      cwd: root,
      env: { ...process.env, PORT: "not-a-port" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("PORT");
    expect(res.stderr).toContain("Invalid configuration");
  });
});
