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
      TRUST_PROXY: 0,
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
        TRUST_PROXY: "-1",
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
        "TRUST_PROXY",
      ]);
    }
  });

  it("lets the web process leave jobs to workers only on Postgres", () => {
    expect(parseEnv({}).WEB_RUNS_JOBS).toBe("1");
    expect(parseEnv({ WEB_RUNS_JOBS: "0", DATABASE_URL: "postgres://db/x" }).WEB_RUNS_JOBS).toBe("0");
    expect(() => parseEnv({ WEB_RUNS_JOBS: "0" })).toThrow(/WEB_RUNS_JOBS: 0 needs DATABASE_URL/);
    expect(() => parseEnv({ WEB_RUNS_JOBS: "no", DATABASE_URL: "postgres://db/x" })).toThrow(/WEB_RUNS_JOBS/);
  });

  it("treats empty strings as unset and accepts hex or base64 keys", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "8080" }).PORT).toBe(8080);
    expect(parseEnv({ TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(parseEnv({ APP_ENCRYPTION_KEY: "ab".repeat(32) }).APP_ENCRYPTION_KEY).toHaveLength(64);
    expect(
      parseEnv({ APP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") }).APP_ENCRYPTION_KEY,
    ).toBeTruthy();
  });

  it("takes INNGEST_DEV as 0, 1 or a dev server origin, as Inngest's SDK does", () => {
    for (const v of ["0", "1", "http://localhost:8288", "https://inngest.internal:8288/"])
      expect(parseEnv({ INNGEST_DEV: v }).INNGEST_DEV).toBe(v);
    for (const [name, env] of [
      ["INNGEST_DEV", { INNGEST_DEV: "yes" }],
      ["INNGEST_DEV", { INNGEST_DEV: "http://localhost:8288/api" }],
      ["INNGEST_BASE_URL", { INNGEST_BASE_URL: "not a url" }],
    ] as const) {
      expect(() => parseEnv(env)).toThrow(ConfigError);
      try {
        parseEnv(env);
      } catch (e) {
        expect((e as ConfigError).issues[0]).toMatch(new RegExp(`^${name}:`));
      }
    }
  });

  it("stops npm start with a message naming the variable", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    // npm start runs the compiled entry point (compiling dist/ first when it is stale).
    const res = spawnSync(process.execPath, ["scripts/launch.mjs", "start"], {
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
