import { describe, expect, it } from "vitest";
import {
  defaultTarget,
  guessMapping,
  guessTarget,
  isColumnTarget,
} from "@/lib/services/contacts/column-mapping";

describe("import column mapping", () => {
  it("keeps the SPEC §6 default meanings (any case) and adds first_name / last_name", () => {
    expect(["Email", "PHONE", " name ", "TimeZone", "locale"].map(defaultTarget)).toEqual([
      "email",
      "phone",
      "name",
      "timezone",
      "locale",
    ]);
    expect(["first_name", "First Name", "firstname", "LAST_NAME", "last-name"].map(defaultTarget)).toEqual([
      "first_name",
      "first_name",
      "first_name",
      "last_name",
      "last_name",
    ]);
    // The API's default stays strict: look-alikes are attributes unless mapped.
    expect(["E-mail", "Mobile", "plan"].map(defaultTarget)).toEqual(["attribute", "attribute", "attribute"]);
  });

  it("guesses look-alikes for the dialog, case- and space-insensitively", () => {
    expect(
      [
        "E-mail",
        "Email Address",
        "Mobile",
        "Phone number",
        "cell",
        "Full Name",
        "Given name",
        "Surname",
        "Time zone",
        "Language",
        "Plan",
      ].map(guessTarget),
    ).toEqual([
      "email",
      "email",
      "phone",
      "phone",
      "phone",
      "name",
      "first_name",
      "last_name",
      "timezone",
      "locale",
      "attribute",
    ]);
  });

  it("maps each field to the first column that looks like it", () => {
    expect(guessMapping(["Email", "Mobile", "Phone", "", "First Name", "Last Name", "City"])).toEqual({
      Email: "email",
      Mobile: "phone",
      Phone: "attribute",
      "First Name": "first_name",
      "Last Name": "last_name",
      City: "attribute",
    });
  });

  it("accepts only known targets", () => {
    for (const t of ["email", "first_name", "attribute", "attribute:tier", "ignore"])
      expect(isColumnTarget(t)).toBe(true);
    for (const t of ["e-mail", "attribute:", "attribute:  ", `attribute:${"x".repeat(101)}`, "Email"])
      expect(isColumnTarget(t)).toBe(false);
  });
});
