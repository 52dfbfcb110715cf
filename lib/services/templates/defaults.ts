import type { Executor } from "@/lib/db";
import { templates, templateVersions } from "@/lib/db/schema";

type Seed = {
  channel: "email" | "sms";
  name: string;
  category: string;
  subject?: string;
  html?: string;
  text?: string;
  body?: string;
};

const footer = '<p style="color:#64748b;font-size:12px">{{organisation}}</p>';

/** The templates every organisation starts with. */
export const DEFAULT_TEMPLATES: Seed[] = [
  {
    channel: "sms",
    name: "OTP code",
    category: "otp",
    body: "Your {{organisation}} code is {{code}}. It expires in {{minutes}} minutes. Do not share it.",
  },
  {
    channel: "email",
    name: "OTP code",
    category: "otp",
    subject: "Your verification code: {{code}}",
    html: `<p>Your verification code is <strong>{{code}}</strong>.</p><p>It expires in {{minutes}} minutes. If you did not ask for it, ignore this email.</p>${footer}`,
    text: "Your verification code is {{code}}. It expires in {{minutes}} minutes.",
  },
  {
    channel: "email",
    name: "Welcome",
    category: "transactional",
    subject: "Welcome to {{organisation}}, {{name}}",
    html: `<h1>Welcome, {{name}}!</h1><p>Your account is ready.{{#login_url}} <a href="{{login_url}}">Sign in</a> to get started.{{/login_url}}</p>${footer}`,
    text: "Welcome, {{name}}! Your account is ready.{{#login_url}} Sign in: {{login_url}}{{/login_url}}",
  },
  {
    channel: "email",
    name: "Payment reminder",
    category: "reminder",
    subject: "Payment of {{amount}} due on {{due_date}}",
    html: `<p>Hello {{name}},</p><p>This is a reminder that invoice {{invoice_number}} for <strong>{{amount}}</strong> is due on {{due_date}}.</p>{{#pay_url}}<p><a href="{{pay_url}}">Pay now</a></p>{{/pay_url}}${footer}`,
    text: "Hello {{name}}, invoice {{invoice_number}} for {{amount}} is due on {{due_date}}.{{#pay_url}} Pay: {{pay_url}}{{/pay_url}}",
  },
  {
    channel: "sms",
    name: "Payment reminder",
    category: "reminder",
    body: "Hi {{name}}, {{amount}} is due on {{due_date}} for invoice {{invoice_number}}. Thank you, {{organisation}}",
  },
  {
    channel: "sms",
    name: "Order ready",
    category: "transactional",
    body: "Hi {{name}}, your order {{order_number}} is ready for collection at {{location}}.",
  },
  {
    channel: "sms",
    name: "Appointment reminder",
    category: "reminder",
    body: "Reminder: your appointment with {{organisation}} is on {{date}} at {{time}}. Reply C to confirm.",
  },
  {
    channel: "email",
    name: "Appointment reminder",
    category: "reminder",
    subject: "Reminder: your appointment on {{date}}",
    html: `<p>Hello {{name}},</p><p>Your appointment is on <strong>{{date}} at {{time}}</strong>{{#location}} at {{location}}{{/location}}.</p>${footer}`,
    text: "Hello {{name}}, your appointment is on {{date}} at {{time}}.",
  },
  {
    channel: "email",
    name: "Maintenance notice",
    category: "transactional",
    subject: "Scheduled maintenance on {{date}}",
    html: `<p>Hello,</p><p>{{organisation}} will be unavailable on {{date}} from {{start_time}} to {{end_time}} for planned maintenance.</p>${footer}`,
    text: "{{organisation}} will be unavailable on {{date}} from {{start_time}} to {{end_time}} for planned maintenance.",
  },
];

export async function createDefaultTemplates(tx: Executor, orgId: string): Promise<void> {
  const rows = await tx
    .insert(templates)
    .values(DEFAULT_TEMPLATES.map((t) => ({ orgId, ...t })))
    .onConflictDoNothing()
    .returning();
  if (rows.length) {
    await tx.insert(templateVersions).values(
      rows.map((t) => ({
        orgId,
        templateId: t.id,
        version: 1,
        category: t.category,
        subject: t.subject,
        html: t.html,
        text: t.text,
        body: t.body,
      })),
    );
  }
}
