import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/openapi.json/route";

const root = path.resolve(import.meta.dirname, "../..");
const v1 = path.join(root, "app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    return e.name === "route.ts" ? [full] : [];
  });
}

describe("OpenAPI document", () => {
  it("lists every /api/v1 route file and each method it exports", async () => {
    const doc = await GET().json();
    expect(doc.openapi).toMatch(/^3\./);
    const expected: string[] = [];
    for (const file of routeFiles(v1)) {
      const rel = path.relative(v1, path.dirname(file)).split(path.sep).join("/");
      const apiPath = `/${rel.replace(/\[([^\]]+)\]/g, "{$1}")}`;
      const mod = (await import(file)) as Record<string, unknown>;
      for (const m of METHODS) if (typeof mod[m] === "function") expected.push(`${m} ${apiPath}`);
    }
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(expected.length).toBeGreaterThan(5);
    expect(documented.sort()).toEqual(expected.sort());
  });

  it("describes bodies and errors from the zod schemas", async () => {
    const doc = await GET().json();
    const create = doc.paths["/api-keys"].post;
    const schema = create.requestBody.content["application/json"].schema;
    const resolved = schema.$ref ? doc.components.schemas[schema.$ref.split("/").pop()] : schema;
    expect(resolved.required).toEqual(expect.arrayContaining(["name", "role"]));
    expect(resolved.properties.role.enum).toEqual(["admin", "manager", "staff"]);
    expect(Object.keys(create.responses)).toEqual(
      expect.arrayContaining(["201", "400", "401", "403", "429"]),
    );
    expect(doc.components.securitySchemes.apiKey.scheme).toBe("bearer");
  });
});
