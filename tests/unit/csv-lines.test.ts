import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { csvLines, csvStringifier } from "@/lib/csv";

async function viaStringifier(rows: unknown[][]): Promise<string> {
  let out = "";
  for await (const c of Readable.from(rows).pipe(csvStringifier())) out += String(c);
  return out;
}

describe("csvLines", () => {
  it("writes exactly what the streaming stringifier writes, formula cells escaped", async () => {
    const rows: unknown[][] = [
      ["id", "subject", "cost"],
      ["a", '=HYPERLINK("http://x")', "0.000123"],
      ["b", "+1 202 555 0142", -5],
      ["c", "@SUM(A1)", 12.5],
      ["d", "\tTabbed", null],
      ["e", "\rCR", undefined],
      ["f", 'He said "hi", then left\nnew line', ""],
      ["g", "plain, comma", 0],
      ["h", "-", 7n],
    ];
    expect(csvLines(rows)).toBe(await viaStringifier(rows));
    expect(csvLines(rows)).toContain(`"'=HYPERLINK(""http://x"")"`);
  });
});
