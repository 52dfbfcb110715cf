import { getAllCountries } from "countries-and-timezones";
import { getCountries } from "libphonenumber-js/max";
import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { nextAllowedSendTime, timeZoneForCountry, timeZoneForPhone } from "@/lib/services/sms/quiet-hours";

const at = (iso: string) => new Date(iso);
const next = (iso: string, timeZone: string, start?: string, end?: string) =>
  nextAllowedSendTime({ now: at(iso), timeZone, start, end }).toISOString();

describe("nextAllowedSendTime: default 21:00-08:00", () => {
  it("returns now outside quiet hours", () => {
    // 12:00 in New York (EST, UTC-5).
    const now = at("2026-01-15T17:00:00.000Z");
    expect(nextAllowedSendTime({ now, timeZone: "America/New_York" })).toBe(now);
    // 20:59:59 local: still allowed.
    expect(next("2026-01-16T01:59:59.000Z", "America/New_York")).toBe("2026-01-16T01:59:59.000Z");
    // 08:00 exactly: quiet hours are over.
    expect(next("2026-01-15T13:00:00.000Z", "America/New_York")).toBe("2026-01-15T13:00:00.000Z");
  });

  it("defers to 08:00 the next morning from the evening (window crosses midnight)", () => {
    // 21:00 local Jan 15 → 08:00 local Jan 16 = 13:00Z.
    expect(next("2026-01-16T02:00:00.000Z", "America/New_York")).toBe("2026-01-16T13:00:00.000Z");
    // 23:30 local.
    expect(next("2026-01-16T04:30:00.000Z", "America/New_York")).toBe("2026-01-16T13:00:00.000Z");
  });

  it("defers to 08:00 the same day after midnight", () => {
    // 03:00 local Jan 16.
    expect(next("2026-01-16T08:00:00.000Z", "America/New_York")).toBe("2026-01-16T13:00:00.000Z");
    // 07:59:30 local.
    expect(next("2026-01-16T12:59:30.000Z", "America/New_York")).toBe("2026-01-16T13:00:00.000Z");
  });

  it("uses the recipient's zone, not the server's", () => {
    const now = "2026-01-15T22:00:00.000Z"; // 17:00 in New York, 07:00 Jan 16 in Tokyo
    expect(next(now, "America/New_York")).toBe(now);
    expect(next(now, "Asia/Tokyo")).toBe("2026-01-15T23:00:00.000Z");
    // Half-hour offset: 22:00 in Kolkata (UTC+5:30) → 08:00 = 02:30Z next day.
    expect(next("2026-01-15T16:30:00.000Z", "Asia/Kolkata")).toBe("2026-01-16T02:30:00.000Z");
  });

  it("crosses month and year ends", () => {
    // 22:00 Dec 31 in London → 08:00 Jan 1.
    expect(next("2026-12-31T22:00:00.000Z", "Europe/London")).toBe("2027-01-01T08:00:00.000Z");
  });
});

describe("nextAllowedSendTime across DST changes", () => {
  it("America/New_York spring forward, 2026-03-08 (02:00 EST → 03:00 EDT)", () => {
    // 22:00 EST Mar 7 → 08:00 EDT Mar 8 = 12:00Z (not 13:00Z).
    expect(next("2026-03-08T03:00:00.000Z", "America/New_York")).toBe("2026-03-08T12:00:00.000Z");
    // 01:30 EST, just before the jump.
    expect(next("2026-03-08T06:30:00.000Z", "America/New_York")).toBe("2026-03-08T12:00:00.000Z");
    // 03:30 EDT, just after it.
    expect(next("2026-03-08T07:30:00.000Z", "America/New_York")).toBe("2026-03-08T12:00:00.000Z");
  });

  it("Europe/London spring forward, 2026-03-29 (01:00 GMT → 02:00 BST)", () => {
    // 23:00 GMT Mar 28 → 08:00 BST Mar 29 = 07:00Z.
    expect(next("2026-03-28T23:00:00.000Z", "Europe/London")).toBe("2026-03-29T07:00:00.000Z");
    // The day before the change is still GMT.
    expect(next("2026-03-27T23:00:00.000Z", "Europe/London")).toBe("2026-03-28T08:00:00.000Z");
  });

  it("fall back: America/New_York 2026-11-01 and Europe/London 2026-10-25", () => {
    // 22:00 EDT Oct 31 → 08:00 EST Nov 1 = 13:00Z.
    expect(next("2026-11-01T02:00:00.000Z", "America/New_York")).toBe("2026-11-01T13:00:00.000Z");
    // 22:00 BST Oct 24 → 08:00 GMT Oct 25 = 08:00Z.
    expect(next("2026-10-24T21:00:00.000Z", "Europe/London")).toBe("2026-10-25T08:00:00.000Z");
  });

  it("an end time inside the spring-forward gap resumes at the jump", () => {
    // Quiet 21:00-02:30; 02:30 does not exist on 2026-03-08 in New York: resume at 03:00 EDT = 07:00Z.
    expect(next("2026-03-08T04:00:00.000Z", "America/New_York", "21:00", "02:30")).toBe(
      "2026-03-08T07:00:00.000Z",
    );
  });

  it("an end time that happens twice (fall back) resumes at its first occurrence", () => {
    // Quiet 21:00-01:30; 01:30 happens at 05:30Z (EDT) and 06:30Z (EST) on 2026-11-01.
    expect(next("2026-11-01T03:00:00.000Z", "America/New_York", "21:00", "01:30")).toBe(
      "2026-11-01T05:30:00.000Z",
    );
  });
});

describe("nextAllowedSendTime: custom windows", () => {
  it("handles a window within one day", () => {
    // Quiet 12:00-14:00 UTC.
    expect(next("2026-05-01T13:00:00.000Z", "UTC", "12:00", "14:00")).toBe("2026-05-01T14:00:00.000Z");
    expect(next("2026-05-01T11:59:00.000Z", "UTC", "12:00", "14:00")).toBe("2026-05-01T11:59:00.000Z");
    expect(next("2026-05-01T14:00:00.000Z", "UTC", "12:00", "14:00")).toBe("2026-05-01T14:00:00.000Z");
  });

  it("treats start = end as no quiet hours", () => {
    expect(next("2026-05-01T23:00:00.000Z", "UTC", "08:00", "08:00")).toBe("2026-05-01T23:00:00.000Z");
  });

  it("rejects malformed times and unknown zones with a 400 naming the field", () => {
    const cases: [() => unknown, string][] = [
      [() => next("2026-05-01T23:00:00.000Z", "UTC", "9pm", "08:00"), "start"],
      [() => next("2026-05-01T23:00:00.000Z", "UTC", "21:00", "24:00"), "end"],
      [() => next("2026-05-01T23:00:00.000Z", "Mars/Olympus_Mons"), "timeZone"],
    ];
    for (const [fn, field] of cases) {
      try {
        fn();
        expect.unreachable();
      } catch (e) {
        expect(isAppError(e)).toBe(true);
        if (!isAppError(e)) return;
        expect(e.status).toBe(400);
        expect(e.details).toEqual([{ field, message: expect.any(String) }]);
      }
    }
  });
});

describe("timeZoneForPhone", () => {
  it("uses the country's only zone", () => {
    expect(timeZoneForPhone("+447400123456")).toBe("Europe/London");
    expect(timeZoneForPhone("+33612345678")).toBe("Europe/Paris");
    expect(timeZoneForPhone("+919876543210")).toBe("Asia/Kolkata");
  });

  it("uses the most populous zone of a multi-zone country", () => {
    expect(timeZoneForPhone("+12125550100")).toBe("America/New_York");
    expect(timeZoneForPhone("+14155550100")).toBe("America/New_York"); // a San Francisco number too
    expect(timeZoneForPhone("+14165550123")).toBe("America/Toronto");
    expect(timeZoneForPhone("+61412345678")).toBe("Australia/Sydney");
    expect(timeZoneForPhone("+5511912345678")).toBe("America/Sao_Paulo");
    expect(timeZoneForPhone("+79123456789")).toBe("Europe/Moscow");
    expect(timeZoneForPhone("+4915123456789")).toBe("Europe/Berlin");
  });

  it("falls back to UTC for non-geographic or unparseable numbers", () => {
    expect(timeZoneForPhone("+80012345678")).toBe("UTC");
    expect(timeZoneForPhone("nonsense")).toBe("UTC");
    expect(timeZoneForCountry(undefined)).toBe("UTC");
    expect(timeZoneForCountry("ZZ")).toBe("UTC");
  });

  it("gives every phone-numbering region and every country a zone the runtime knows", () => {
    const regions = new Set([...getCountries(), ...Object.keys(getAllCountries())]);
    for (const region of regions) {
      const zone = timeZoneForCountry(region);
      expect(() => new Intl.DateTimeFormat("en", { timeZone: zone }), `${region} → ${zone}`).not.toThrow();
    }
    expect(timeZoneForCountry("AC")).toBe("Atlantic/St_Helena");
    expect(timeZoneForCountry("XK")).toBe("Europe/Belgrade");
  });
});
