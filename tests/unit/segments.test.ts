import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { SegmentedMessage } from "sms-segments-calculator";
import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import {
  assertSmsLength,
  countSegments,
  MAX_SMS_CHARACTERS,
  nonGsmCharacters,
  replaceWithGsm,
} from "@/lib/services/sms/segments";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const dataDir = path.resolve(repoRoot, "../shared/testdata/twilio-segments");
const haveData = existsSync(dataDir);

interface SegmentCase {
  testDescription: string;
  body: string;
  encoding?: "GSM-7" | "UCS-2";
  segments?: number;
  messageSize?: number;
  totalSize?: number;
  characters?: number;
  unicodeScalars?: number;
  nonGsmCharacters?: string[];
  segmentIndexOfChar?: Record<string, number>;
  allCharsNonGSM7?: boolean;
  note?: string;
}

interface BoundaryVector {
  name: string;
  text: string;
  encoding?: "GSM-7" | "UCS-2";
  segments?: number;
  origin: string;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(dataDir, file), "utf8")) as T;
}

const segmentCases = haveData ? readJson<{ cases: SegmentCase[] }>("segment-cases.json").cases : [];
const boundaryVectors = haveData
  ? readJson<{ vectors: BoundaryVector[] }>("boundary-vectors.json").vectors
  : [];

/** The one upstream case that depends on the destination country (constructor(body, 'auto', false, 'MY')). */
function optionsFor(c: SegmentCase): { country?: string } {
  return /\bcountry MY\b/.test(c.testDescription) ? { country: "MY" } : {};
}

describe.skipIf(!haveData)(
  haveData
    ? "Twilio segment-calculator vectors (../shared/testdata/twilio-segments)"
    : "Twilio segment-calculator vectors: SKIPPED, ../shared/testdata/twilio-segments is absent",
  () => {
    it("loads the vector files", () => {
      expect(segmentCases.length).toBeGreaterThan(50);
      expect(boundaryVectors.length).toBeGreaterThan(60);
    });

    describe("segment-cases.json", () => {
      it.each(segmentCases.map((c) => [c.testDescription, c] as const))("%s", (_name, c) => {
        const options = optionsFor(c);
        const result = countSegments(c.body, options);
        if (c.encoding !== undefined) expect(result.encoding).toBe(c.encoding);
        if (c.segments !== undefined) expect(result.segments).toBe(c.segments);
        // Our `characters` is Unicode code points (SPEC): the upstream `unicodeScalars`.
        // Upstream `characters` counts grapheme clusters, a different quantity, so it is
        // compared only where the two coincide (pure code-point-per-grapheme text).
        expect(result.characters).toBe([...c.body].length);
        if (c.unicodeScalars !== undefined) expect(result.characters).toBe(c.unicodeScalars);
        if (c.nonGsmCharacters !== undefined) {
          expect(nonGsmCharacters(c.body, options).map((x) => x.char)).toEqual(c.nonGsmCharacters);
        }
        if (c.allCharsNonGSM7) {
          expect(nonGsmCharacters(c.body, options)).toHaveLength([...c.body].length);
        }
        if (result.encoding === "GSM-7") expect(nonGsmCharacters(c.body, options)).toEqual([]);
        else expect(nonGsmCharacters(c.body, options).length).toBeGreaterThan(0);

        // Bit sizes and where each character lands come from the calculator we wrap;
        // checking them pins the installed library to the upstream expectations.
        if (c.messageSize !== undefined || c.totalSize !== undefined || c.segmentIndexOfChar) {
          const lib =
            options.country === "MY"
              ? new SegmentedMessage(c.body, "UCS-2", false)
              : new SegmentedMessage(c.body, "auto", false);
          if (c.messageSize !== undefined) expect(lib.messageSize).toBe(c.messageSize);
          if (c.totalSize !== undefined) expect(lib.totalSize).toBe(c.totalSize);
          for (const [charIndex, segmentIndex] of Object.entries(c.segmentIndexOfChar ?? {})) {
            const char = lib.encodedChars[Number(charIndex)];
            const found = lib.segments.findIndex((segment) => segment.includes(char));
            expect(found, `char ${charIndex}`).toBe(segmentIndex);
          }
        }
      });
    });

    describe("boundary-vectors.json", () => {
      it.each(boundaryVectors.map((v) => [v.name, v] as const))("%s", (_name, v) => {
        const result = countSegments(v.text);
        if (v.encoding !== undefined) expect(result.encoding).toBe(v.encoding);
        if (v.segments !== undefined) expect(result.segments).toBe(v.segments);
        expect(result.characters).toBe([...v.text].length);
      });
    });
  },
);

describe("countSegments (hand-written)", () => {
  const gsm = (n: number) => "a".repeat(n);

  it("GSM-7: 160 chars is 1 segment, 161 is 2", () => {
    expect(countSegments(gsm(160))).toEqual({ encoding: "GSM-7", segments: 1, characters: 160 });
    expect(countSegments(gsm(161))).toEqual({ encoding: "GSM-7", segments: 2, characters: 161 });
  });

  it("GSM-7: 153 per part when concatenated", () => {
    expect(countSegments(gsm(153 * 2)).segments).toBe(2);
    expect(countSegments(gsm(153 * 2 + 1)).segments).toBe(3);
  });

  it("an extension character (€) costs two septets at the 160 boundary", () => {
    expect(countSegments(`€${gsm(158)}`)).toEqual({ encoding: "GSM-7", segments: 1, characters: 159 });
    expect(countSegments(`€${gsm(159)}`)).toEqual({ encoding: "GSM-7", segments: 2, characters: 160 });
  });

  it("an escape pair is never split across parts", () => {
    // 152 + € would end part 1 on the escape septet: € moves to part 2.
    expect(countSegments(`${gsm(152)}€${gsm(151)}`).segments).toBe(2);
    expect(countSegments(`${gsm(152)}€${gsm(152)}`).segments).toBe(3);
  });

  it("UCS-2: 70 is 1 segment, 71 is 2", () => {
    expect(countSegments("ê".repeat(70))).toEqual({ encoding: "UCS-2", segments: 1, characters: 70 });
    expect(countSegments("ê".repeat(71))).toEqual({ encoding: "UCS-2", segments: 2, characters: 71 });
  });

  it("an emoji (surrogate pair) counts two units and is not split at the 67 boundary", () => {
    // 66 + 😀 (2 units) = 68 > 67: the whole pair moves to part 2.
    expect(countSegments(`${gsm(66)}😀${gsm(65)}`)).toEqual({
      encoding: "UCS-2",
      segments: 2,
      characters: 132,
    });
    expect(countSegments(`${gsm(66)}😀${gsm(66)}`).segments).toBe(3);
    expect(countSegments(`😀${gsm(68)}`).segments).toBe(1); // 70 units
    expect(countSegments(`😀${gsm(69)}`).segments).toBe(2); // 71 units
  });

  it("a smart quote forces UCS-2 (no silent replacement)", () => {
    expect(countSegments("It’s here").encoding).toBe("UCS-2");
    expect(countSegments("It's here").encoding).toBe("GSM-7");
  });

  it("empty text is GSM-7, one empty segment, 0 characters (what the calculator reports)", () => {
    expect(countSegments("")).toEqual({ encoding: "GSM-7", segments: 1, characters: 0 });
  });

  it("characters are code points, not UTF-16 units", () => {
    expect(countSegments("😀😀").characters).toBe(2);
  });

  it("Malaysia accepts only the ASCII part of GSM-7", () => {
    expect(countSegments("café").encoding).toBe("GSM-7");
    expect(countSegments("café", { country: "MY" }).encoding).toBe("UCS-2");
    expect(countSegments("cafe", { country: "my" }).encoding).toBe("GSM-7");
  });
});

describe("nonGsmCharacters / replaceWithGsm", () => {
  it("lists each UCS-2-forcing character with its UTF-16 index and a suggestion", () => {
    expect(nonGsmCharacters("“Hi” it’s 😀 ok")).toEqual([
      { char: "“", suggestion: '"', index: 0 },
      { char: "”", suggestion: '"', index: 3 },
      { char: "’", suggestion: "'", index: 7 },
      { char: "😀", suggestion: null, index: 10 },
    ]);
  });

  it("is empty for GSM-7 text, extension characters included", () => {
    expect(nonGsmCharacters("Price: 5€ [50% off] {now}")).toEqual([]);
  });

  it("replaces what it can and keeps the rest", () => {
    expect(replaceWithGsm("“Hi” it’s 😀 ok")).toBe(`"Hi" it's 😀 ok`);
    expect(replaceWithGsm("Wait… – done")).toBe("Wait... - done");
    const fixed = replaceWithGsm("“Hello” it’s me");
    expect(fixed).toBe(`"Hello" it's me`);
    expect(countSegments(fixed).encoding).toBe("GSM-7");
  });

  it("leaves GSM-7 text unchanged", () => {
    expect(replaceWithGsm("plain text €")).toBe("plain text €");
  });
});

describe("assertSmsLength", () => {
  it("accepts 1,600 characters", () => {
    expect(MAX_SMS_CHARACTERS).toBe(1600);
    expect(() => assertSmsLength("a".repeat(1600), "body")).not.toThrow();
    expect(() => assertSmsLength("😀".repeat(1600), "body")).not.toThrow(); // code points, not units
  });

  it("rejects 1,601 with a 422 naming the field", () => {
    try {
      assertSmsLength("a".repeat(1601), "body");
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e)).toBe(true);
      if (!isAppError(e)) return;
      expect(e.status).toBe(422);
      expect(e.code).toBe("message_too_long");
      expect(e.details).toEqual([{ field: "body", message: expect.stringContaining("1600") }]);
    }
  });
});
