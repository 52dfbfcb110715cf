import { getCountry } from "countries-and-timezones";
import { AppError } from "@/lib/errors";
import { countryOfPhone } from "./phone";

// Marketing SMS quiet hours are evaluated on the recipient's local wall clock.
// Wall time is read with Intl.DateTimeFormat (the runtime's IANA tz database), and a
// wall time is turned back into an instant by trying the zone's offsets around it,
// which handles DST gaps (a wall time that does not exist) and overlaps (one that
// exists twice) without a date library.

export const DEFAULT_QUIET_HOURS = { start: "21:00", end: "08:00" } as const;

export interface QuietHoursInput {
  now: Date;
  /** IANA time zone of the recipient, e.g. "America/New_York". */
  timeZone: string;
  /** Local "HH:MM" at which quiet hours begin (inclusive). */
  start?: string;
  /** Local "HH:MM" at which quiet hours end (exclusive): sending resumes at this time. */
  end?: string;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const SECOND = 1000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      throw AppError.validation([{ field: "timeZone", message: "is not a known IANA time zone" }]);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

function wallTime(instant: number, timeZone: string): WallTime {
  const w: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type in w) w[part.type as keyof WallTime] = Number(part.value);
  }
  // Some engines render midnight as hour 24 even with h23.
  if (w.hour === 24) w.hour = 0;
  return w;
}

/** The wall time as milliseconds "as if it were UTC", for arithmetic and comparison. */
function wallMs(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / SECOND) * SECOND;
  return wallMs(wallTime(whole, timeZone)) - whole;
}

/** Instants whose wall time in `timeZone` is `local` (0 in a DST gap, 2 in an overlap), ascending. */
function instantsForWallTime(local: number, timeZone: string): number[] {
  const offsets = new Set([
    offsetAt(local - DAY, timeZone),
    offsetAt(local, timeZone),
    offsetAt(local + DAY, timeZone),
  ]);
  return [...new Set([...offsets].map((o) => local - o))]
    .filter((instant) => wallMs(wallTime(instant, timeZone)) === local)
    .sort((a, b) => a - b);
}

/** First instant whose wall time is at or after `local`: the transition instant when `local` falls in a gap. */
function firstInstantAtOrAfter(local: number, timeZone: string): number {
  const candidates = [offsetAt(local - DAY, timeZone), offsetAt(local + DAY, timeZone)].map((o) => local - o);
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  if (wallMs(wallTime(lo, timeZone)) >= local) return lo;
  while (hi - lo > SECOND) {
    const mid = lo + Math.floor((hi - lo) / 2 / SECOND) * SECOND;
    if (wallMs(wallTime(mid, timeZone)) >= local) hi = mid;
    else lo = mid;
  }
  return hi;
}

function parseClock(value: string, field: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!m) throw AppError.validation([{ field, message: "must be a time of day as HH:MM (00:00-23:59)" }]);
  return (Number(m[1]) * 60 + Number(m[2])) * 60;
}

/** `now` when outside quiet hours in `timeZone`, otherwise the instant quiet hours end (local `end`, DST-aware). */
export function nextAllowedSendTime({
  now,
  timeZone,
  start = DEFAULT_QUIET_HOURS.start,
  end = DEFAULT_QUIET_HOURS.end,
}: QuietHoursInput): Date {
  const startSec = parseClock(start, "start");
  const endSec = parseClock(end, "end");
  if (startSec === endSec) return now; // an empty window: no quiet hours

  const local = wallTime(now.getTime(), timeZone);
  const sec = local.hour * 3600 + local.minute * 60 + local.second;
  const crossesMidnight = startSec > endSec;
  const quiet = crossesMidnight ? sec >= startSec || sec < endSec : sec >= startSec && sec < endSec;
  if (!quiet) return now;

  // Before midnight in a window that crosses it, quiet hours end tomorrow; otherwise today.
  const dayShift = crossesMidnight && sec >= startSec ? 1 : 0;
  const target = Date.UTC(local.year, local.month - 1, local.day + dayShift, 0, 0, endSec);
  const instants = instantsForWallTime(target, timeZone).filter((t) => t > now.getTime());
  const first = instants[0] ?? firstInstantAtOrAfter(target, timeZone);
  return first > now.getTime() ? new Date(first) : now;
}

// Time zone used for a country with several: the zone where most of its people live
// (usually the capital's). Countries with a single zone use it; countries the
// countries-and-timezones data lacks are listed explicitly.
const PRIMARY_TIME_ZONE: Record<string, string> = {
  AC: "Atlantic/St_Helena",
  AQ: "UTC",
  AR: "America/Argentina/Buenos_Aires",
  AU: "Australia/Sydney",
  BR: "America/Sao_Paulo",
  CA: "America/Toronto",
  CD: "Africa/Kinshasa",
  CL: "America/Santiago",
  CN: "Asia/Shanghai",
  CY: "Asia/Nicosia",
  DE: "Europe/Berlin",
  EC: "America/Guayaquil",
  ES: "Europe/Madrid",
  FM: "Pacific/Chuuk",
  GL: "America/Nuuk",
  ID: "Asia/Jakarta",
  KI: "Pacific/Tarawa",
  KZ: "Asia/Almaty",
  MH: "Pacific/Majuro",
  MN: "Asia/Ulaanbaatar",
  MX: "America/Mexico_City",
  MY: "Asia/Kuala_Lumpur",
  NZ: "Pacific/Auckland",
  PF: "Pacific/Tahiti",
  PG: "Pacific/Port_Moresby",
  PS: "Asia/Hebron",
  PT: "Europe/Lisbon",
  RU: "Europe/Moscow",
  TA: "Atlantic/St_Helena",
  TF: "Indian/Kerguelen",
  UA: "Europe/Kyiv",
  UM: "Pacific/Wake",
  US: "America/New_York",
  UZ: "Asia/Tashkent",
  VN: "Asia/Ho_Chi_Minh",
  XK: "Europe/Belgrade",
};

/** IANA time zone for an ISO country code: its only zone, its most populous zone, or "UTC" when unknown. */
export function timeZoneForCountry(country: string | undefined): string {
  if (!country) return "UTC";
  const cc = country.toUpperCase();
  return PRIMARY_TIME_ZONE[cc] ?? getCountry(cc)?.timezones[0] ?? "UTC";
}

/** IANA time zone for an E.164 number from its country (see timeZoneForCountry); "UTC" for non-geographic numbers. */
export function timeZoneForPhone(e164: string): string {
  return timeZoneForCountry(countryOfPhone(e164));
}
