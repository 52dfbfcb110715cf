import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as launch from "@/app/api/v1/campaigns/[id]/launch/route";
import * as one from "@/app/api/v1/campaigns/[id]/route";
import * as campaignsRoute from "@/app/api/v1/campaigns/route";
import * as templates from "@/app/api/v1/templates/route";
import { getDb } from "@/lib/db";
import { jobs, messages } from "@/lib/db/schema";
import { drainJobs } from "@/lib/jobs/runner";
import { renderTemplate } from "@/lib/services/templates/render";
import { decorateEmail, unsubscribeUrl } from "@/lib/services/tracking/links";
import { makeAudience } from "../campaign-fixtures";
import { call, makeKey, makeOrg } from "../factories";

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe("marketing email's unsubscribe footer", () => {
  const msg = { id: randomUUID(), orgId: randomUUID(), to: "reader@example.com", category: "marketing" };

  it("is added once when the template has no unsubscribe link", () => {
    const out = decorateEmail({ ...msg, html: "<p>News</p>", text: "News" });
    const url = unsubscribeUrl({ ...msg, channel: "email" });
    expect(count(out.html ?? "", 'data-switchboard="unsubscribe"')).toBe(1);
    expect(out.text).toBe(`News\n\nUnsubscribe: ${url}\n`);
  });

  it("is skipped when {{unsubscribe_url}} already renders the message's URL (HTML-escaped or not)", () => {
    const url = unsubscribeUrl({ ...msg, channel: "email" });
    const r = renderTemplate(
      {
        html: '<p>News</p><a href="{{unsubscribe_url}}">Stop these</a>',
        text: "News. Stop: {{unsubscribe_url}}",
      },
      { unsubscribe_url: url },
    );
    // mustache escapes "/" and "=" in HTML: the footer check must see through that.
    expect(r.html).not.toContain(url);
    const out = decorateEmail({ ...msg, html: r.html ?? null, text: r.text ?? null });
    expect(out.html).not.toContain('data-switchboard="unsubscribe"');
    expect(out.text).toBe(`News. Stop: ${url}`);
    // The template's own link is not rewritten into a click-tracking redirect, and the headers stay.
    expect(out.html).not.toMatch(/\/t\/c\//);
    expect(out.headers["List-Unsubscribe"]).toBe(`<${url}>`);
  });

  it("is still added when the body links to some other message's unsubscribe URL", () => {
    const other = unsubscribeUrl({ ...msg, id: randomUUID(), channel: "email" });
    const out = decorateEmail({ ...msg, html: `<a href="${other}">x</a>`, text: other });
    expect(count(out.html ?? "", 'data-switchboard="unsubscribe"')).toBe(1);
    expect(out.text).toContain("\n\nUnsubscribe: ");
  });

  it("appears once in a campaign whose template links to {{unsubscribe_url}}", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const { listId } = await makeAudience(orgId, 3);
    const t = await call(templates.POST, {
      method: "POST",
      key,
      body: {
        channel: "email",
        name: `Footer ${randomUUID()}`,
        subject: "News for {{name}}",
        html: '<p>Hi {{name}}</p><p><a href="{{unsubscribe_url}}">Unsubscribe here</a></p>',
        text: "Hi {{name}}. Unsubscribe: {{unsubscribe_url}}",
        category: "marketing",
      },
    });
    expect(t.status).toBe(201);
    const c = await call(campaignsRoute.POST, {
      method: "POST",
      key,
      body: { name: "Footer", channel: "email", template_id: t.json.id, audience: { list_ids: [listId] } },
    });
    await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });
    const db = await getDb();
    for (let i = 0; i < 30; i++) {
      await drainJobs();
      const s = (await call(one.GET, { key, params: { id: c.json.id } })).json;
      if (s.status === "completed") break;
      await db
        .update(jobs)
        .set({ runAt: new Date() })
        .where(inArray(jobs.status, ["pending"]));
    }
    const rows = await db.select().from(messages).where(eq(messages.campaignId, c.json.id));
    expect(rows).toHaveLength(3);
    for (const m of rows) {
      expect(m.html).not.toContain('data-switchboard="unsubscribe"');
      expect(count(m.html ?? "", "Unsubscribe here")).toBe(1);
      expect(count(m.text ?? "", "Unsubscribe:")).toBe(1);
      const url = unsubscribeUrl({ id: m.id, orgId, to: m.to, channel: "email", category: "marketing" });
      expect(m.text).toContain(url);
      expect(m.headers?.["List-Unsubscribe"]).toBe(`<${url}>`);
    }
  });
});
