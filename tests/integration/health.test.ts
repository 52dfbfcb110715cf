import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";

describe("GET /api/health", () => {
  it("reports the database as reachable with its mode, and the job-runner mode", async () => {
    const res = await GET();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe("ok");
    expect(body.database).toMatchObject({
      reachable: true,
      mode: process.env.DATABASE_URL ? "postgres" : "pglite",
    });
    expect(body.jobs.mode).toBe("embedded");
  });
});
