import { afterAll, describe, expect, it } from "vitest";
import * as email from "@/app/api/v1/email/send/route";
import * as one from "@/app/api/v1/messages/[id]/route";
import * as health from "@/app/api/v1/providers/health/route";
import * as providers from "@/app/api/v1/providers/route";
import { drainJobs } from "@/lib/jobs/runner";
import { closeSmtpTransports } from "@/lib/providers/email/smtp";
import { call, makeKey, makeOrg } from "../factories";
import { freePort, startSmtpSink } from "../smtp-sink";

afterAll(() => closeSmtpTransports());

function smtpProvider(name: string, port: number, priority: number, extra: Record<string, unknown> = {}) {
  return {
    name,
    type: "smtp",
    priority,
    sender: { email: "alerts@acme.test", name: "Acme Alerts" },
    config: { host: "127.0.0.1", port, tls_mode: "none" },
    credentials: {},
    ...extra,
  };
}

async function send(key: string, n: number) {
  const res = await call(email.POST, {
    method: "POST",
    key,
    body: { to: `user${n}@example.com`, subject: `Message ${n}`, text: `Body ${n}` },
  });
  await drainJobs();
  return (await call(one.GET, { key, params: { id: res.json.id } })).json;
}

describe("SMTP provider on a real loopback server", () => {
  it("delivers with the right headers, cc/bcc and attachments", async () => {
    const sink = await startSmtpSink();
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const created = await call(providers.POST, {
      method: "POST",
      key,
      body: smtpProvider("Loopback", sink.port, 1),
    });
    expect(created.status).toBe(201);
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: {
        to: "ada@example.com",
        cc: ["cc@example.com"],
        bcc: ["audit@example.com"],
        subject: "Invoice ✓",
        html: "<p>See attached</p>",
        text: "See attached",
        attachments: [
          {
            filename: "invoice.txt",
            content_type: "text/plain",
            content_base64: Buffer.from("total 5").toString("base64"),
          },
        ],
      },
    });
    await drainJobs();
    expect(sink.received).toHaveLength(1);
    const got = sink.received[0];
    expect(got?.envelope.to.sort()).toEqual(["ada@example.com", "audit@example.com", "cc@example.com"]);
    expect(got?.envelope.from).toBe("alerts@acme.test");
    expect(got?.mail.subject).toBe("Invoice ✓");
    expect(got?.mail.from?.text).toBe('"Acme Alerts" <alerts@acme.test>');
    expect(got?.mail.messageId).toBe(`<${res.json.id}@acme.test>`);
    expect(got?.mail.headers.has("bcc")).toBe(false);
    expect(got?.mail.attachments[0]?.filename).toBe("invoice.txt");
    expect(got?.mail.attachments[0]?.content.toString()).toBe("total 5");
    const detail = (await call(one.GET, { key, params: { id: res.json.id } })).json;
    expect(detail).toMatchObject({
      status: "sent",
      provider_type: "smtp",
      provider_message_id: `<${res.json.id}@acme.test>`,
    });
    closeSmtpTransports();
    await sink.close();
  });

  it("fails over from a closed port, opens the circuit at the threshold, half-opens after the timeout and closes on success", async () => {
    const sink = await startSmtpSink();
    const deadPort = await freePort();
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const first = await call(providers.POST, {
      method: "POST",
      key,
      body: smtpProvider("Primary (down)", deadPort, 1, { failure_threshold: 2, reset_timeout_s: 1 }),
    });
    await call(providers.POST, { method: "POST", key, body: smtpProvider("Secondary", sink.port, 2) });

    const m1 = await send(key, 1);
    expect(m1.status).toBe("sent");
    expect(m1.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(["failure", "success"]);
    expect(m1.attempts[0].provider_id).toBe(first.json.id);
    expect(m1.attempts[0].error).toMatch(/ECONNREFUSED|ECONNECTION|connect/i);

    let h = (await call(health.GET, { key })).json;
    let primary = h.email.find((p: { id: string }) => p.id === first.json.id);
    expect(primary).toMatchObject({ circuit: "closed", failure_count: 1 });

    await send(key, 2);
    h = (await call(health.GET, { key })).json;
    primary = h.email.find((p: { id: string }) => p.id === first.json.id);
    expect(primary).toMatchObject({ circuit: "open", failure_count: 2, priority: 1 });

    // While open, the primary is skipped outright.
    const m3 = await send(key, 3);
    expect(m3.attempts).toHaveLength(1);
    expect(m3.attempts[0].provider_id).not.toBe(first.json.id);
    expect(sink.received.map((r) => r.mail.subject)).toEqual(["Message 1", "Message 2", "Message 3"]);

    // The primary comes back; after reset_timeout_s one trial goes through and closes the circuit.
    const revived = await startSmtpSink(deadPort);
    await new Promise((r) => setTimeout(r, 1100));
    const m4 = await send(key, 4);
    expect(m4.attempts).toHaveLength(1);
    expect(m4.attempts[0].provider_id).toBe(first.json.id);
    expect(revived.received).toHaveLength(1);
    h = (await call(health.GET, { key })).json;
    expect(h.email.find((p: { id: string }) => p.id === first.json.id)).toMatchObject({
      circuit: "closed",
      failure_count: 0,
    });
    closeSmtpTransports();
    await sink.close();
    await revived.close();
  });

  it("does not fail over when the recipient is refused everywhere", async () => {
    const { SMTPServer } = await import("smtp-server");
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onRcptTo(_address, _session, cb) {
        const err = Object.assign(new Error("5.1.1 No such user"), { responseCode: 550 });
        cb(err);
      },
    });
    await new Promise<void>((r) => refusing.listen(0, "127.0.0.1", r));
    const addr = refusing.server.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    const backup = await startSmtpSink();
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    await call(providers.POST, { method: "POST", key, body: smtpProvider("Strict", port, 1) });
    await call(providers.POST, { method: "POST", key, body: smtpProvider("Backup", backup.port, 2) });
    const m = await send(key, 9);
    expect(m.status).toBe("failed");
    expect(m.attempts).toHaveLength(1);
    expect(m.error).toMatch(/550/);
    expect(backup.received).toHaveLength(0);
    const h = (await call(health.GET, { key })).json;
    expect(h.email.find((p: { name: string }) => p.name === "Strict").failure_count).toBe(0);
    closeSmtpTransports();
    await new Promise<void>((r) => refusing.close(() => r()));
    await backup.close();
  });
});
