import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Mustache from "mustache";
import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import {
  assertNoMissingVariables,
  missingVariables,
  previewMissingVariables,
  renderTemplate,
  templateVariables,
} from "@/lib/services/templates/render";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const specDir = path.resolve(repoRoot, "../shared/testdata/mustache-spec");
const haveSpec = existsSync(specDir);

interface SpecTest {
  name: string;
  desc: string;
  data: unknown;
  template: string;
  expected: string;
  partials?: Record<string, string>;
}

const SPEC_FILES = ["interpolation", "sections", "inverted", "comments"] as const;

function loadSpec(file: string): SpecTest[] {
  if (!haveSpec) return [];
  const parsed = JSON.parse(readFileSync(path.join(specDir, `${file}.json`), "utf8")) as {
    tests: SpecTest[];
  };
  return parsed.tests;
}

/**
 * Spec views are JSON. Six tests use a bare string, number or list as the whole view
 * (implicit iterator at the root); the API only ever passes an object, but the renderer
 * handles any view, so those go through the same path.
 */
function asVariables(data: unknown): Record<string, unknown> {
  return data as Record<string, unknown>;
}

describe.skipIf(!haveSpec)(
  haveSpec
    ? "mustache spec (../shared/testdata/mustache-spec)"
    : "mustache spec: SKIPPED, ../shared/testdata/mustache-spec is absent",
  () => {
    for (const file of SPEC_FILES) {
      const tests = loadSpec(file);
      describe(`${file}.json`, () => {
        it("has tests", () => {
          expect(tests.length).toBeGreaterThan(0);
        });
        const withoutPartials = tests.filter((t) => t.partials === undefined);
        const withPartials = tests.filter((t) => t.partials !== undefined);
        it.each(withoutPartials.map((t) => [t.name, t] as const))("%s", (_name, t) => {
          expect(renderTemplate({ html: t.template }, asVariables(t.data)).html).toBe(t.expected);
        });
        it.skip.each(withPartials.map((t) => [t.name] as const))(
          "%s (needs partials: unsupported)",
          () => {},
        );
      });
    }
  },
);

describe("renderTemplate (hand-written)", () => {
  const parts = {
    subject: "Hi {{name}} & co",
    html: "<p>Hi {{name}}</p>{{{raw}}}",
    text: "Hi {{name}}",
    body: "Hi {{name}}, code {{code}}",
  };

  it("escapes HTML in the html body only", () => {
    const out = renderTemplate(parts, { name: `<b>Tom & "Jerry"</b>`, raw: "<hr>", code: 123456 });
    expect(out).toEqual({
      subject: `Hi <b>Tom & "Jerry"</b> & co`,
      html: "<p>Hi &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;&#x2F;b&gt;</p><hr>",
      text: `Hi <b>Tom & "Jerry"</b>`,
      body: `Hi <b>Tom & "Jerry"</b>, code 123456`,
      missingVariables: [],
    });
  });

  it("does not touch the global Mustache.escape", () => {
    const before = Mustache.escape;
    renderTemplate(parts, { name: "<x>" });
    expect(Mustache.escape).toBe(before);
    expect(Mustache.render("{{x}}", { x: "<x>" })).toBe("&lt;x&gt;");
  });

  it("leaves parts that were not given undefined", () => {
    expect(renderTemplate({ body: "Code {{code}}" }, { code: "42" })).toEqual({
      subject: undefined,
      html: undefined,
      text: undefined,
      body: "Code 42",
      missingVariables: [],
    });
  });

  it("lists missing variables across parts, in order of first use", () => {
    const out = renderTemplate(parts, { raw: "" });
    expect(out.missingVariables).toEqual(["name", "code"]);
    expect(out.body).toBe("Hi , code ");
  });

  it("treats null as missing but false, 0 and empty string as present", () => {
    expect(missingVariables("{{a}}{{b}}{{c}}{{d}}", { a: null, b: false, c: 0, d: "" })).toEqual(["a"]);
  });

  it("renders sections and does not render partials", () => {
    const out = renderTemplate(
      { text: "{{#items}}- {{title}}\n{{/items}}{{^items}}none{{/items}}{{> footer}}" },
      { items: [{ title: "A" }, { title: "B" }] },
    );
    expect(out.text).toBe("- A\n- B\n");
  });

  it("turns a template syntax error into a 400 naming the part", () => {
    try {
      renderTemplate({ html: "<p>{{#open}}never closed</p>" }, {});
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e)).toBe(true);
      if (!isAppError(e)) return;
      expect(e.status).toBe(400);
      expect(e.details).toEqual([
        { field: "html", message: expect.stringContaining("not a valid template") },
      ]);
    }
  });
});

describe("templateVariables", () => {
  it("lists top-level names and section names, not names inside sections", () => {
    expect(
      templateVariables(
        "{{greeting}} {{{raw}}} {{&amp}} {{user.name}} {{#items}}{{title}} {{price}}{{/items}}{{^empty}}{{fallback}}{{/empty}}{{! note}}{{.}}",
      ),
    ).toEqual(["greeting", "raw", "amp", "user", "items", "empty"]);
  });

  it("dedupes and follows changed delimiters", () => {
    expect(templateVariables("{{a}}{{a}}{{=<% %>=}}<% b %><%={{ }}=%>{{c}}")).toEqual(["a", "b", "c"]);
  });
});

describe("missingVariables", () => {
  it("does not report names resolved by a list or object section", () => {
    const template = "{{#items}}{{title}}{{/items}}{{#user}}{{name}}{{/user}}";
    expect(missingVariables(template, { items: [{ title: "A" }], user: { name: "Ann" } })).toEqual([]);
  });

  it("treats a section whose name is absent as falsy: neither it nor its contents are required", () => {
    expect(missingVariables("{{#items}}{{title}}{{/items}}", {})).toEqual([]);
    expect(missingVariables("Hi{{#vip}}, code {{vip_code}}{{/vip}}", {})).toEqual([]);
    expect(missingVariables("Hi{{#vip}}, code {{vip_code}}{{/vip}}", { vip: null })).toEqual([]);
    // What mustache renders agrees: nothing, no hole.
    expect(renderTemplate({ text: "Hi{{#vip}}, code {{vip_code}}{{/vip}}." }, {}).text).toBe("Hi.");
  });

  it("still requires a name used inside an optional section when it is also used outside one", () => {
    expect(missingVariables("{{#vip}}{{name}}{{/vip}} {{name}}", {})).toEqual(["name"]);
    expect(missingVariables("{{^vip}}{{name}}{{/vip}} {{name}}", {})).toEqual(["name"]);
  });

  it("does not require inverted-section names or their contents", () => {
    expect(missingVariables("{{^orders}}No orders, {{name}}{{/orders}}", {})).toEqual([]);
    expect(missingVariables("{{^x}}none{{/x}} {{x}}", {})).toEqual(["x"]);
  });

  it("requires names inside a rendered flag section (they resolve at the top level)", () => {
    const template = "Hi{{#vip}}, your VIP code is {{vip_code}}{{/vip}}";
    expect(missingVariables(template, { vip: true })).toEqual(["vip_code"]);
    expect(missingVariables(template, { vip: false })).toEqual([]);
  });

  it("reports the first segment of a dotted name, or the full path when only the leaf is missing", () => {
    expect(missingVariables("{{user.name}}", {})).toEqual(["user"]);
    expect(missingVariables("{{user.name}}", { user: {} })).toEqual(["user.name"]);
    expect(missingVariables("{{user.name}}", { user: { name: "Ann" } })).toEqual([]);
  });

  it("does not take inherited properties for variables", () => {
    expect(missingVariables("{{constructor}}{{toString}}", {})).toEqual(["constructor", "toString"]);
  });

  it("accepts template parts or a list of sources", () => {
    expect(missingVariables({ subject: "{{a}}", html: null, text: "{{b}}" }, { b: 1 })).toEqual(["a"]);
    expect(missingVariables(["{{a}}", undefined, "{{c}}"], {})).toEqual(["a", "c"]);
  });
});

describe.skipIf(!haveSpec)("missingVariables against the mustache spec's sections", () => {
  // Spec: "Context Misses" — a section name missing from the view is falsy and renders
  // nothing. So no spec template's absent section name is ever reported missing.
  const cases = [...loadSpec("sections"), ...loadSpec("inverted")].filter((t) => t.partials === undefined);
  it.each(cases.map((t) => [t.name, t] as const))("%s", (_name, t) => {
    const view = (typeof t.data === "object" && t.data !== null ? t.data : {}) as Record<string, unknown>;
    const sectionNames = Mustache.parse(t.template)
      .filter(([type]) => type === "#" || type === "^")
      .map(([, name]) => String(name).split(".")[0] ?? "");
    const absent = sectionNames.filter((n) => view[n] === undefined || view[n] === null);
    const missing = missingVariables(t.template, view);
    for (const n of absent) expect(missing).not.toContain(n);
  });
});

describe("previewMissingVariables (the editor's preview)", () => {
  const marketing = {
    subject: "News from {{organisation}}",
    html: '<p>Hi {{name}}, {{offer}}</p><a href="{{unsubscribe_url}}">Unsubscribe</a>{{#coupon}}<p>{{coupon}}</p>{{/coupon}}',
    text: "{{offer}} — unsubscribe: {{unsubscribe_url}}",
  };

  it("never reports built-in variables (unsubscribe_url, organisation, contact fields) as missing", () => {
    expect(previewMissingVariables(marketing, {})).toEqual({
      missing: ["offer"],
      builtIn: ["organisation", "name", "unsubscribe_url"],
    });
    expect(previewMissingVariables(marketing, { offer: "20% off" }).missing).toEqual([]);
    expect(previewMissingVariables("{{email}} {{phone}} {{timezone}} {{locale}}", {}).missing).toEqual([]);
  });

  it("does not report an optional section, but a present flag section's contents stay required", () => {
    expect(previewMissingVariables("{{#coupon}}Code {{code}}{{/coupon}}", {}).missing).toEqual([]);
    expect(previewMissingVariables("{{#coupon}}Code {{code}}{{/coupon}}", { coupon: true }).missing).toEqual([
      "code",
    ]);
    expect(previewMissingVariables("{{^coupon}}No code, {{who}}{{/coupon}}", {}).missing).toEqual([]);
  });

  it("leaves sends strict: missingVariables (sends, campaign freeze) still names an absent unsubscribe_url", () => {
    expect(missingVariables(marketing, { offer: "x", name: "Ann", organisation: "Acme" })).toEqual([
      "unsubscribe_url",
    ]);
    expect(() => assertNoMissingVariables(marketing, { offer: "x" })).toThrow(/unsubscribe_url/);
  });
});

describe("assertNoMissingVariables", () => {
  it("passes when everything is there", () => {
    expect(() => assertNoMissingVariables({ body: "Code {{code}}" }, { code: "1" })).not.toThrow();
  });

  it("throws 422 missing_variables naming variables.<name>", () => {
    try {
      assertNoMissingVariables({ subject: "{{order_id}}", body: "Hi {{first_name}}, {{order_id}}" }, {});
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e)).toBe(true);
      if (!isAppError(e)) return;
      expect(e.status).toBe(422);
      expect(e.code).toBe("missing_variables");
      expect(e.details).toEqual([
        { field: "variables.order_id", message: "is required by the template" },
        { field: "variables.first_name", message: "is required by the template" },
      ]);
    }
  });
});
