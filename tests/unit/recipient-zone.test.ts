import { describe, expect, it } from "vitest";
import { quietHoursVerdict, recipientZones } from "@/lib/services/sms/recipient-zone";

const verdict = (iso: string, e164: string, contactTz?: string, window?: { start: string; end: string }) =>
  quietHoursVerdict(new Date(iso), recipientZones(e164, contactTz), window);

describe("recipientZones: the contact's zone, then the number's area, then its country", () => {
  it("prefers the contact's own zone over the number's", () => {
    expect(recipientZones("+12025550188", "Asia/Tokyo")).toMatchObject({
      zones: ["Asia/Tokyo"],
      source: "contact",
    });
  });

  it("ignores a contact zone the tz database does not know and uses the number", () => {
    expect(recipientZones("+12025550188", "Mars/Olympus")).toMatchObject({
      zones: ["America/New_York"],
      source: "number",
    });
  });

  it("reads +1 numbers by area code, not one zone for the whole country", () => {
    expect(recipientZones("+12025550188").zones).toEqual(["America/New_York"]); // 202 Washington DC
    expect(recipientZones("+14155550123").zones).toEqual(["America/Los_Angeles"]); // 415 San Francisco
    expect(recipientZones("+13125550123").zones).toEqual(["America/Chicago"]); // 312 Chicago
    expect(recipientZones("+13035550123").zones).toEqual(["America/Denver"]); // 303 Denver
  });

  it("reads +61 8 numbers as Western/South Australia, not Sydney", () => {
    const perth = recipientZones("+61892345678");
    expect(perth.source).toBe("number");
    expect(perth.zones).toContain("Australia/Perth");
    expect(perth.zones).not.toContain("Australia/Sydney");
  });

  it("falls back to the country's main zone when the area is not mapped, and says so", () => {
    const tollFree = recipientZones("+18005550100");
    expect(tollFree).toMatchObject({ zones: ["America/New_York"], source: "country" });
    expect(tollFree.reason).toMatch(/not mapped/);
    expect(tollFree.reason).toMatch(/US/);
  });
});

describe("quietHoursVerdict", () => {
  it("defers a Tokyo contact with a US number at 04:51 Tokyo to 08:00 Tokyo", () => {
    // 19:51 UTC on 1 Dec = 04:51 on 2 Dec in Tokyo (14:51 in Washington: awake there).
    const v = verdict("2026-12-01T19:51:00.000Z", "+12025550188", "Asia/Tokyo");
    expect(v.until?.toISOString()).toBe("2026-12-01T23:00:00.000Z");
    expect(v).toMatchObject({ zone: "Asia/Tokyo", source: "contact" });
  });

  it("defers a Pacific area code at 06:00 Pacific even though it is 09:00 Eastern", () => {
    // 14:00 UTC in December: 06:00 PST, 09:00 EST.
    const v = verdict("2026-12-01T14:00:00.000Z", "+14155550123");
    expect(v.until?.toISOString()).toBe("2026-12-01T16:00:00.000Z"); // 08:00 PST
    expect(v.zone).toBe("America/Los_Angeles");
    // The same instant to a Washington number goes at once.
    expect(verdict("2026-12-01T14:00:00.000Z", "+12025550188").until).toBeNull();
  });

  it("follows Perth for a Perth number: 07:00 AWST waits until 08:00 AWST", () => {
    // 23:00 UTC on 1 Dec = 07:00 on 2 Dec in Perth (UTC+8), 09:30 in Adelaide, 10:00 in Sydney.
    const v = verdict("2026-12-01T23:00:00.000Z", "+61892345678");
    expect(v.until?.toISOString()).toBe("2026-12-02T00:00:00.000Z");
    expect(v.zone).toBe("Australia/Perth");
  });

  it("with several zones, waits until quiet hours are over in every one of them", () => {
    // 10:45 UTC on 1 Dec = 21:15 in Adelaide (UTC+10:30, quiet) and 18:45 in Perth (awake).
    const v = verdict("2026-12-01T10:45:00.000Z", "+61892345678");
    // 08:00 in Adelaide = 21:30 UTC; Perth is then 05:30, still quiet, so 08:00 Perth = 00:00 UTC decides.
    expect(v.until?.toISOString()).toBe("2026-12-02T00:00:00.000Z");
    expect(v.zone).toBe("Australia/Perth");
    expect(v.zones).toEqual(["Australia/Adelaide", "Australia/Perth"]);
    // Perth alone would have gone at once.
    expect(verdict("2026-12-01T10:45:00.000Z", "+61892345678", "Australia/Perth").until).toBeNull();
  });

  it("falls back to the country for an unmapped area", () => {
    // 12:00 UTC = 07:00 in New York.
    const v = verdict("2026-12-01T12:00:00.000Z", "+18005550100");
    expect(v).toMatchObject({ zone: "America/New_York", source: "country" });
    expect(v.until?.toISOString()).toBe("2026-12-01T13:00:00.000Z");
  });

  it("follows the recipient's local clock across a DST change in their zone", () => {
    // Los Angeles springs forward on 8 Mar 2026 (02:00 PST → 03:00 PDT).
    // 22:00 PST on 7 Mar (06:00 UTC on 8 Mar) waits until 08:00 PDT = 15:00 UTC, not 16:00.
    const spring = verdict("2026-03-08T06:00:00.000Z", "+14155550123");
    expect(spring.until?.toISOString()).toBe("2026-03-08T15:00:00.000Z");
    // It falls back on 1 Nov 2026: 22:00 PDT on 31 Oct (05:00 UTC) waits until 08:00 PST = 16:00 UTC.
    const fall = verdict("2026-11-01T05:00:00.000Z", "+14155550123");
    expect(fall.until?.toISOString()).toBe("2026-11-01T16:00:00.000Z");
  });

  it("uses the organisation's window", () => {
    // 08:30 in New York is inside a 20:00–09:00 window.
    const v = verdict("2026-12-01T13:30:00.000Z", "+12025550188", undefined, {
      start: "20:00",
      end: "09:00",
    });
    expect(v.until?.toISOString()).toBe("2026-12-01T14:00:00.000Z");
    // Equal start and end: no quiet hours at all.
    expect(
      verdict("2026-12-01T08:00:00.000Z", "+12025550188", undefined, { start: "00:00", end: "00:00" }).until,
    ).toBeNull();
  });
});
