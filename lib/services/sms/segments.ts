import { SegmentedMessage } from "sms-segments-calculator";
import { AppError } from "@/lib/errors";

// Encoding and segment counting is delegated to Twilio's own calculator
// (sms-segments-calculator): GSM-7 160/153 septets with extension characters costing
// two septets, UCS-2 70/67 code units with astral characters costing two, and a
// character (escape pair, surrogate pair, grapheme) never split across parts.
// Smart encoding is always OFF here: nothing is replaced silently. The template
// editor offers the replacements explicitly (nonGsmCharacters / replaceWithGsm).

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SegmentCount {
  encoding: SmsEncoding;
  segments: number;
  /** Unicode code points. */
  characters: number;
}

export interface NonGsmCharacter {
  /** The character (a grapheme cluster, e.g. a whole flag emoji) forcing UCS-2. */
  char: string;
  /** GSM-7 replacement from the smart-encoding map ("" = drop it), or null when there is none. */
  suggestion: string | null;
  /** UTF-16 offset of `char` in the text (what a textarea's selectionStart uses). */
  index: number;
}

export interface SegmentOptions {
  /**
   * Destination country (ISO 3166 alpha-2). Only "MY" changes anything: Malaysian
   * carriers accept GSM-7 only for its ASCII subset, so é, ü, £ … force UCS-2 there.
   */
  country?: string;
}

export const MAX_SMS_CHARACTERS = 1600;

const ASCII_ONLY_GSM_COUNTRIES = new Set(["MY"]);

function isAsciiOnlyCountry(options: SegmentOptions): boolean {
  return options.country !== undefined && ASCII_ONLY_GSM_COUNTRIES.has(options.country.toUpperCase());
}

function hasNonAscii(s: string): boolean {
  for (const ch of s) {
    if ((ch.codePointAt(0) ?? 0) > 0x7f) return true;
  }
  return false;
}

function segmented(text: string, options: SegmentOptions): SegmentedMessage {
  const auto = new SegmentedMessage(text, "auto", false);
  if (auto.encodingName === "GSM-7" && isAsciiOnlyCountry(options) && hasNonAscii(text)) {
    return new SegmentedMessage(text, "UCS-2", false);
  }
  return auto;
}

/** Encoding, carrier segment count and code-point length of an SMS body (no smart encoding). */
export function countSegments(text: string, options: SegmentOptions = {}): SegmentCount {
  const message = segmented(text, options);
  return {
    encoding: message.encodingName,
    // An empty body still travels as one (empty) segment; this is what the library reports.
    segments: message.segmentsCount,
    characters: [...text].length,
  };
}

function isGsmText(text: string, options: SegmentOptions): boolean {
  return segmented(text, options).encodingName === "GSM-7";
}

function smartReplacement(char: string, options: SegmentOptions): string | null {
  // The library applies its smart-encoding map code point by code point when asked to;
  // its grapheme list then holds the replaced text.
  const replaced = new SegmentedMessage(char, "auto", true).graphemes.join("");
  if (replaced === char || !isGsmText(replaced, options)) return null;
  return replaced;
}

/** Characters that force UCS-2, each with its GSM-7 replacement suggestion when the smart-encoding map has one. */
export function nonGsmCharacters(text: string, options: SegmentOptions = {}): NonGsmCharacter[] {
  const message = segmented(text, options);
  if (message.encodingName === "GSM-7") return [];
  const asciiOnly = isAsciiOnlyCountry(options);
  const result: NonGsmCharacter[] = [];
  let index = 0;
  for (const encoded of message.encodedChars) {
    const char = encoded.raw;
    if (!encoded.isGSM7 || (asciiOnly && hasNonAscii(char))) {
      result.push({ char, suggestion: smartReplacement(char, options), index });
    }
    index += char.length;
  }
  return result;
}

/** Applies every suggestion from nonGsmCharacters; characters without one are kept as they are. */
export function replaceWithGsm(text: string, options: SegmentOptions = {}): string {
  const found = nonGsmCharacters(text, options);
  if (found.length === 0) return text;
  let out = "";
  let cursor = 0;
  for (const { char, suggestion, index } of found) {
    if (suggestion === null) continue;
    out += text.slice(cursor, index) + suggestion;
    cursor = index + char.length;
  }
  return out + text.slice(cursor);
}

/** Throws 422 message_too_long naming `field` when the body exceeds MAX_SMS_CHARACTERS code points. */
export function assertSmsLength(text: string, field: string): void {
  const characters = [...text].length;
  if (characters > MAX_SMS_CHARACTERS) {
    throw new AppError(
      "message_too_long",
      `${field} is ${characters} characters; the maximum is ${MAX_SMS_CHARACTERS}`,
      [{ field, message: `must be at most ${MAX_SMS_CHARACTERS} characters (is ${characters})` }],
      422,
    );
  }
}
