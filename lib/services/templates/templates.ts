import { and, asc, desc, eq, ilike } from "drizzle-orm";
import { requirePermission } from "@/lib/auth/permissions";
import { type Executor, getDb } from "@/lib/db";
import { type Template, type TemplateVersion, templates, templateVersions } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { diff, recordAudit } from "@/lib/services/audit/record";
import type { Ctx } from "@/lib/services/context";
import { countSegments } from "@/lib/services/sms/segments";
import type { TemplateCreate, TemplateQuery, TemplateUpdate } from "@/lib/validation/templates";
import { renderTemplate, templateVariables } from "./render";

/** Template of this organisation, or NotFound. */
export async function getTemplateInOrg(db: Executor, ctx: Ctx, id: string): Promise<Template> {
  const [row] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.id, id), eq(templates.orgId, ctx.orgId)));
  if (!row) throw AppError.notFound("Template");
  return row;
}

/** Top-level variables a template uses, across its parts. */
export function variablesOf(t: Pick<Template, "subject" | "html" | "text" | "body">): string[] {
  const names = new Set<string>();
  for (const part of [t.subject, t.html, t.text, t.body]) {
    if (part) for (const n of templateVariables(part)) names.add(n);
  }
  return [...names].sort();
}

function checkSyntax(t: Pick<Template, "subject" | "html" | "text" | "body">) {
  renderTemplate({ subject: t.subject, html: t.html, text: t.text, body: t.body }, {});
}

async function nameTaken(db: Executor, ctx: Ctx, channel: "email" | "sms", name: string, exceptId?: string) {
  const [row] = await db
    .select({ id: templates.id })
    .from(templates)
    .where(and(eq(templates.orgId, ctx.orgId), eq(templates.channel, channel), eq(templates.name, name)));
  return Boolean(row && row.id !== exceptId);
}

async function addVersion(tx: Executor, ctx: Ctx, t: Template) {
  await tx.insert(templateVersions).values({
    orgId: ctx.orgId,
    templateId: t.id,
    version: t.version,
    category: t.category,
    subject: t.subject,
    html: t.html,
    text: t.text,
    body: t.body,
    createdByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
  });
}

/** Creates a template and its version 1. */
export async function createTemplate({ ctx, input }: { ctx: Ctx; input: TemplateCreate }): Promise<Template> {
  requirePermission(ctx, "content:write");
  const content = {
    subject: input.channel === "email" ? (input.subject ?? null) : null,
    html: input.channel === "email" ? (input.html ?? null) : null,
    text: input.channel === "email" ? (input.text ?? null) : null,
    body: input.channel === "sms" ? (input.body ?? null) : null,
  };
  checkSyntax(content);
  const db = await getDb();
  return db.transaction(async (tx) => {
    if (await nameTaken(tx, ctx, input.channel, input.name)) {
      throw AppError.validation([
        { field: "name", message: `is already used by another ${input.channel} template` },
      ]);
    }
    const [row] = await tx
      .insert(templates)
      .values({
        orgId: ctx.orgId,
        channel: input.channel,
        name: input.name,
        category: input.category,
        active: input.active,
        ...content,
      })
      .returning();
    if (!row) throw new AppError("internal_error", "template could not be created");
    await addVersion(tx, ctx, row);
    await recordAudit(tx, ctx, {
      action: "template.created",
      resourceType: "template",
      resourceId: row.id,
      changes: { name: row.name, channel: row.channel, category: row.category },
    });
    return row;
  });
}

/** Saves changes; a change of content or category makes a new version. */
export async function updateTemplate({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: TemplateUpdate;
}): Promise<Template> {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const before = await getTemplateInOrg(tx, ctx, id);
    const email = before.channel === "email";
    const next = {
      name: input.name ?? before.name,
      category: input.category ?? before.category,
      active: input.active ?? before.active,
      subject: email ? (input.subject === undefined ? before.subject : input.subject) : null,
      html: email ? (input.html === undefined ? before.html : input.html) : null,
      text: email ? (input.text === undefined ? before.text : input.text) : null,
      body: email ? null : input.body === undefined ? before.body : input.body,
    };
    const problems = [];
    if (email && !next.subject?.trim())
      problems.push({ field: "subject", message: "is required for an email template" });
    if (email && !next.html?.trim() && !next.text?.trim()) {
      problems.push({ field: "html", message: "an email template needs an HTML or a text body" });
    }
    if (!email && !next.body?.trim())
      problems.push({ field: "body", message: "is required for an SMS template" });
    if (next.name !== before.name && (await nameTaken(tx, ctx, before.channel, next.name, id))) {
      problems.push({ field: "name", message: `is already used by another ${before.channel} template` });
    }
    if (problems.length) throw AppError.validation(problems);
    checkSyntax(next);
    const changes = diff(before as unknown as Record<string, unknown>, next);
    const contentChanged = ["category", "subject", "html", "text", "body"].some((k) => k in changes);
    const [row] = await tx
      .update(templates)
      .set({ ...next, version: contentChanged ? before.version + 1 : before.version })
      .where(eq(templates.id, id))
      .returning();
    if (!row) throw AppError.notFound("Template");
    if (contentChanged) await addVersion(tx, ctx, row);
    if (Object.keys(changes).length) {
      await recordAudit(tx, ctx, {
        action: "template.updated",
        resourceType: "template",
        resourceId: id,
        changes: { ...changes, version: row.version },
      });
    }
    return row;
  });
}

export async function deleteTemplate({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  requirePermission(ctx, "content:write");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const before = await getTemplateInOrg(tx, ctx, id);
    await tx.delete(templates).where(eq(templates.id, id));
    await recordAudit(tx, ctx, {
      action: "template.deleted",
      resourceType: "template",
      resourceId: id,
      changes: { name: before.name, channel: before.channel },
    });
  });
}

export async function getTemplate({ ctx, id }: { ctx: Ctx; id: string }): Promise<Template> {
  return getTemplateInOrg(await getDb(), ctx, id);
}

/** Templates filtered by channel, category and name, by name. */
export async function listTemplates({ ctx, input }: { ctx: Ctx; input: TemplateQuery }): Promise<Template[]> {
  const db = await getDb();
  return db
    .select()
    .from(templates)
    .where(
      and(
        eq(templates.orgId, ctx.orgId),
        input.channel ? eq(templates.channel, input.channel) : undefined,
        input.category ? eq(templates.category, input.category) : undefined,
        input.q ? ilike(templates.name, `%${input.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`) : undefined,
      ),
    )
    .orderBy(asc(templates.channel), asc(templates.name))
    .limit(input.limit);
}

export async function listTemplateVersions({
  ctx,
  id,
}: {
  ctx: Ctx;
  id: string;
}): Promise<TemplateVersion[]> {
  const db = await getDb();
  await getTemplateInOrg(db, ctx, id);
  return db
    .select()
    .from(templateVersions)
    .where(and(eq(templateVersions.templateId, id), eq(templateVersions.orgId, ctx.orgId)))
    .orderBy(desc(templateVersions.version));
}

/** Renders a template with variables and lists the missing ones (nothing is sent). */
export async function previewTemplate({
  ctx,
  id,
  variables,
}: {
  ctx: Ctx;
  id: string;
  variables: Record<string, unknown>;
}) {
  const t = await getTemplateInOrg(await getDb(), ctx, id);
  const r = renderTemplate({ subject: t.subject, html: t.html, text: t.text, body: t.body }, variables);
  return {
    subject: r.subject ?? null,
    html: r.html ?? null,
    text: r.text ?? null,
    body: r.body ?? null,
    missing_variables: r.missingVariables,
    sms: t.channel === "sms" && r.body !== undefined ? countSegments(r.body) : null,
  };
}
