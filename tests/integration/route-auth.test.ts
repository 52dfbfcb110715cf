import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeKey, makeOrg } from "../factories";

const v1 = path.resolve(import.meta.dirname, "../../app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const PUBLIC = new Set(["/openapi.json"]);
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    return e.name === "route.ts" ? [full] : [];
  });
}

const routes = routeFiles(v1).map((file) => ({
  file,
  path: `/${path.relative(v1, path.dirname(file)).split(path.sep).join("/")}`,
}));
const params = { id: "00000000-0000-4000-8000-000000000000" };

describe("every /api/v1 route", () => {
  it("answers 401 without a key and 401 with a revoked or unknown one", async () => {
    let checked = 0;
    for (const r of routes.filter((r) => !PUBLIC.has(r.path))) {
      const mod = (await import(r.file)) as Record<string, Handler | undefined>;
      for (const m of METHODS) {
        const handler = mod[m];
        if (!handler) continue;
        for (const authorization of [undefined, "Bearer sb_unknown"]) {
          const req = new Request(`http://localhost/api/v1${r.path}`, {
            method: m,
            headers: authorization
              ? { authorization, "content-type": "application/json" }
              : { "content-type": "application/json" },
            body: m === "GET" || m === "DELETE" ? undefined : "{}",
          });
          const res = await handler(req, { params: Promise.resolve(params) });
          expect(res.status, `${m} ${r.path}`).toBe(401);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it("answers 404 (never 500) for a well-formed id that is not this organisation's", async () => {
    const { orgId } = await makeOrg();
    for (const r of routes.filter((r) => r.path.includes("[id]"))) {
      // A key per route keeps this sweep under the per-key rate limit.
      const key = await makeKey(orgId);
      const mod = (await import(r.file)) as Record<string, Handler | undefined>;
      for (const m of METHODS) {
        const handler = mod[m];
        if (!handler) continue;
        const req = new Request(`http://localhost/api/v1${r.path}`, {
          method: m,
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body:
            m === "GET" || m === "DELETE"
              ? undefined
              : JSON.stringify({ to: "a@example.com", role: "staff", variables: {} }),
        });
        const res = await handler(req, { params: Promise.resolve(params) });
        expect([400, 404], `${m} ${r.path}`).toContain(res.status);
      }
    }
  });
});
