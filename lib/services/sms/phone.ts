import { isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js/max";
import { AppError } from "@/lib/errors";

// The "max" metadata build validates against the full per-type number patterns,
// not just lengths, so isValid() means "a number that can exist" rather than "has a
// plausible length".

function invalidPhone(field: string, message: string): AppError {
  return new AppError("invalid_phone", `${field} ${message}`, [{ field, message }], 422);
}

function parse(input: string, defaultRegion?: string) {
  const region = defaultRegion?.trim().toUpperCase();
  try {
    return parsePhoneNumberFromString(
      input,
      region && isSupportedCountry(region) ? { defaultCountry: region } : undefined,
    );
  } catch {
    return undefined;
  }
}

/** Normalises a phone number to E.164 (national numbers read in `defaultRegion`); throws 422 invalid_phone naming `field`. */
export function normalizePhone(input: string, defaultRegion: string, field = "to"): string {
  const text = typeof input === "string" ? input.trim() : "";
  if (text === "") throw invalidPhone(field, "is required");
  const phone = parse(text, defaultRegion);
  if (!phone?.isValid()) throw invalidPhone(field, "is not a valid phone number");
  if (phone.ext) throw invalidPhone(field, "must not contain an extension");
  return phone.number;
}

/** ISO 3166 alpha-2 country of an E.164 number, or undefined (non-geographic or unparseable). */
export function countryOfPhone(e164: string): string | undefined {
  return parse(e164)?.country;
}
