import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import * as message from "@/app/api/v1/reports/message/route";
import { makeKey, makeOrg } from "../factories";
import { seedMessages } from "../report-fixtures";

const ROWS = 200_000;
const MB = 1024 * 1024;

// Live heap, not garbage awaiting collection: collect before each sample.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

describe("CSV export memory", () => {
  it("streams 200,000 message rows with bounded memory", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "manager");
    const now = new Date();
    await seedMessages(orgId, { count: ROWS, days: 30, now, subject: "@SUM(A1)" });

    gc();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const res = await message.GET(
      new Request("http://localhost/api/v1/reports/message?days=31&format=csv", {
        headers: { authorization: `Bearer ${key}` },
      }),
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let bytes = 0;
    let lines = 0;
    let chunks = 0;
    let firstLine = "";
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (!firstLine) firstLine = decoder.decode(value.subarray(0, 200)).split("\n")[0] ?? "";
      for (const b of value) if (b === 10) lines++;
      if (++chunks % 5 === 0) {
        gc();
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }
    }
    const rssGrowth = (peakRss - before.rss) / MB;
    const heapGrowth = (peakHeap - before.heapUsed) / MB;
    console.info(
      `CSV ${ROWS} rows, ${(bytes / MB).toFixed(1)} MB: RSS growth ${rssGrowth.toFixed(1)} MB, live heap growth ${heapGrowth.toFixed(1)} MB (${chunks} chunks)`,
    );
    expect(firstLine.startsWith("id,created_at,channel")).toBe(true);
    expect(lines).toBe(ROWS + 1);
    // The whole file is ~40 MB of text; holding it (or the rows) would show here.
    expect(rssGrowth).toBeLessThan(100);
    expect(heapGrowth).toBeLessThan(100);
  }, 600_000);
});
