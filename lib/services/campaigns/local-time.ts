/** The UTC offset (ms) of a time zone at an instant, from Intl. */
function offsetMs(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant when the wall-clock time of `sendAt` (read in UTC: its date, hour
 * and minute) occurs in `timeZone` — "09:00 on 1 December, in each recipient's
 * own time zone".
 */
export function atLocalWallTime(sendAt: Date, timeZone: string): Date {
  const wall = Date.UTC(
    sendAt.getUTCFullYear(),
    sendAt.getUTCMonth(),
    sendAt.getUTCDate(),
    sendAt.getUTCHours(),
    sendAt.getUTCMinutes(),
  );
  try {
    // Two passes settle DST transitions.
    let guess = wall - offsetMs(timeZone, new Date(wall));
    guess = wall - offsetMs(timeZone, new Date(guess));
    return new Date(guess);
  } catch {
    return new Date(wall);
  }
}
