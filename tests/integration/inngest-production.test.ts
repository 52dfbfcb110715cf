import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveRoutes, startInngestDouble } from "../inngest-double";
import { freePort, startSmtpSink } from "../smtp-sink";

// The production path: the app in Inngest mode (INNGEST_DEV=1, INNGEST_BASE_URL at a local
// executor double that follows Inngest's SDK spec), /api/inngest served on real HTTP. Events
// the app sends go to the double, which calls the app back step by step.
//
// The Inngest client reads the environment when it is created, and config() once, so the
// environment is set before any app module is imported (each test file has its own modules).
const double = await startInngestDouble();
process.env.INNGEST_DEV = "1";
process.env.INNGEST_BASE_URL = double.origin;
delete process.env.INNGEST_EVENT_KEY;
delete process.env.INNGEST_SIGNING_KEY;

const route = await import("@/app/api/inngest/route");
const { functions } = await import("@/inngest");
const { config } = await import("@/lib/config");
const { call, makeKey, makeOrg } = await import("../factories");
const { makeAudience } = await import("../campaign-fixtures");
const { closeSmtpTransports } = await import("@/lib/providers/email/smtp");
const { getDb } = await import("@/lib/db");
const { messages } = await import("@/lib/db/schema");
const { eq } = await import("drizzle-orm");
const sms = await import("@/app/api/v1/sms/send/route");
const email = await import("@/app/api/v1/email/send/route");
const message = await import("@/app/api/v1/messages/[id]/route");
const providers = await import("@/app/api/v1/providers/route");
const provider = await import("@/app/api/v1/providers/[id]/route");
const templates = await import("@/app/api/v1/templates/route");
const campaigns = await import("@/app/api/v1/campaigns/route");
const campaign = await import("@/app/api/v1/campaigns/[id]/route");
const launch = await import("@/app/api/v1/campaigns/[id]/launch/route");

const app = await serveRoutes({ "/api/inngest": route });
const serveUrl = `${app.origin}/api/inngest`;
const fid = (id: string) => `switchboard-${id}`;

/** The organisation's email goes only to an SMTP relay on the port (the sandbox is turned off). */
async function smtpProvider(key: string, port: number, name = "Relay") {
  const list = await call(providers.GET, { key, path: "/providers?channel=email" });
  for (const p of list.json.data.filter((x: { type: string }) => x.type === "sandbox")) {
    const off = await call(provider.PATCH, {
      method: "PATCH",
      key,
      params: { id: p.id },
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
  }
  const res = await call(providers.POST, {
    method: "POST",
    key,
    body: {
      name,
      type: "smtp",
      priority: 1,
      sender: { email: "news@acme.test" },
      config: { host: "127.0.0.1", port, tls_mode: "none" },
    },
  });
  expect(res.status).toBe(201);
}

function runFor(fnId: string, eventId: string) {
  const runs = double.runsOf(fid(fnId)).filter((r) => r.event.id === eventId);
  expect(runs).toHaveLength(1);
  return runs[0] as (typeof runs)[number];
}

beforeAll(async () => {
  await getDb(); // opens and migrates the database within the hook's time, not a test's
  expect(config().jobsMode).toBe("inngest");
  const synced = await double.sync(serveUrl);
  expect(synced).toMatchObject({ status: 200, body: { modified: true } });
});

afterAll(async () => {
  closeSmtpTransports();
  await app.close();
  await double.close();
});

describe("the Inngest path against an executor double", () => {
  it("syncs every function with its triggers, retries and concurrency", async () => {
    expect(double.syncs).toHaveLength(1);
    const sync = double.syncs[0] as (typeof double.syncs)[number];
    expect(sync.body).toMatchObject({ url: serveUrl, deployType: "ping", appName: "switchboard", v: "0.1" });
    expect(sync.headers["x-inngest-sdk"]).toMatch(/^inngest-js:v\d/);
    expect(sync.headers["x-inngest-expected-server-kind"]).toBe("dev");
    for (const f of functions) {
      const registered = double.functions.get(fid(f.def.id));
      expect(registered, f.def.id).toBeDefined();
      if (!registered) continue;
      expect(registered.triggers).toEqual([
        "cron" in f.def.trigger ? { cron: f.def.trigger.cron } : { event: f.def.trigger.event },
      ]);
      expect(registered.retries).toBe(f.def.retries);
      const url = new URL(registered.url);
      expect(`${url.origin}${url.pathname}`).toBe(serveUrl);
      expect(Object.fromEntries(url.searchParams)).toEqual({ fnId: fid(f.def.id), stepId: "step" });
      // What the function declares to Inngest is what Inngest was told.
      const declared = (f.inngest as unknown as { opts: Record<string, unknown> }).opts;
      expect(registered.raw.concurrency).toEqual(declared.concurrency);
      expect(registered.raw.throttle).toEqual(declared.throttle);
      if (f.def.onFailure) {
        expect(double.functions.get(`${fid(f.def.id)}-failure`)?.triggers).toEqual([
          { event: "inngest/function.failed", expression: `event.data.function_id == '${fid(f.def.id)}'` },
        ]);
      }
    }
    const send = double.functions.get(fid("messages-send"));
    expect(send?.concurrency[0]?.limit).toBeGreaterThan(0);
    const failureFns = functions.filter((f) => f.def.onFailure).length;
    expect(double.functions.size).toBe(functions.length + failureFns);
    // Introspection (spec 4.5) and a re-sync that changes nothing.
    const probe = await fetch(serveUrl).then((r) => r.json());
    expect(probe).toMatchObject({ function_count: functions.length + failureFns, mode: "dev" });
    expect(await double.sync(serveUrl)).toMatchObject({ status: 200, body: { modified: false } });
    expect(double.violations).toEqual([]);
  });

  it("runs a cron function on its tick", async () => {
    const run = double.tick(fid("messages-dispatch-scheduled"));
    await double.settled();
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ requeued: expect.any(Number) });
    expect(run.stepsRun).toEqual(["requeue-stranded"]);
  });

  it("delivers an SMS sent through the API: event to the double, messages-send run to completion, step memoised", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const res = await call(sms.POST, { method: "POST", key, body: { to: "+12025550142", message: "Hello" } });
    expect(res.status).toBe(202);
    await double.settled();
    const received = double.events.filter((e) => e.event.id === `message:${res.json.id}`);
    expect(received).toHaveLength(1);
    expect(received[0]?.event).toMatchObject({
      name: "messages/message.requested",
      data: { messageId: res.json.id, orgId, sendAt: null },
    });
    const run = runFor("messages-send", `message:${res.json.id}`);
    expect(run.status).toBe("completed");
    expect(run.output).toMatchObject({ status: "sent" });
    // The step ran once, in the first call; the second call got its result from memo.
    expect(run.stepsRun).toEqual(["deliver"]);
    expect(run.calls.map((c) => c.status)).toEqual([206, 200]);
    expect(run.calls[0]?.ops).toMatchObject([{ op: "StepRun", displayName: "deliver" }]);
    const memo = run.calls[1]?.request.steps as Record<string, { data: unknown }>;
    expect(Object.values(memo)).toEqual([{ data: expect.objectContaining({ status: "sent" }) }]);
    const detail = await call(message.GET, { key, params: { id: res.json.id } });
    expect(detail.json.status).toBe("sent");
    expect(detail.json.attempts).toHaveLength(1);

    // The same event id again (a requeue, a retried emit) starts nothing.
    double.send({
      name: "messages/message.requested",
      id: `message:${res.json.id}`,
      data: received[0]?.event.data ?? {},
    });
    await double.settled();
    expect(
      double.runsOf(fid("messages-send")).filter((r) => r.event.id === `message:${res.json.id}`),
    ).toHaveLength(1);
    expect(
      double.events.filter((e) => e.event.id === `message:${res.json.id}`).map((e) => e.duplicate),
    ).toEqual([false, true]);
    expect(double.violations).toEqual([]);
  });

  it("plans steps and runs each in its own call request when immediate execution is off", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    double.options.planSteps = true;
    let res: Awaited<ReturnType<typeof call>>;
    try {
      res = await call(sms.POST, { method: "POST", key, body: { to: "+12025550145", message: "Plan" } });
      await double.settled();
    } finally {
      double.options.planSteps = false;
    }
    const run = runFor("messages-send", `message:${res.json.id}`);
    expect(run.status).toBe("completed");
    const planned = run.calls[0]?.ops[0];
    expect(
      run.calls.map((c) => [c.stepId === "step" ? "step" : "hashed", c.status, c.ops[0]?.op ?? null]),
    ).toEqual([
      ["step", 206, "StepPlanned"],
      ["hashed", 206, "StepRun"],
      ["step", 200, null],
    ]);
    // Spec 5.1.2: the step's id is the SHA-1 of its name.
    expect(planned?.id).toBe(createHash("sha1").update("deliver").digest("hex"));
    expect(run.calls[1]?.stepId).toBe(planned?.id);
    expect(run.stepsRun).toEqual(["deliver"]);
    expect((await call(message.GET, { key, params: { id: res.json.id } })).json.status).toBe("sent");
    expect(double.violations).toEqual([]);
  });

  it("runs steps back to back in one call request when Inngest asks the SDK to checkpoint", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    double.options.checkpointing = true;
    let res: Awaited<ReturnType<typeof call>>;
    try {
      res = await call(sms.POST, {
        method: "POST",
        key,
        body: { to: "+12025550146", message: "Checkpoint" },
      });
      await double.settled();
    } finally {
      double.options.checkpointing = false;
    }
    const run = runFor("messages-send", `message:${res.json.id}`);
    expect(run.status).toBe("completed");
    // One call: the step ran, was checkpointed, and the run ended with RunComplete.
    expect(run.calls).toHaveLength(1);
    expect(run.calls[0]?.ops).toMatchObject([{ op: "RunComplete", data: { status: "sent" } }]);
    expect(run.checkpoints).toMatchObject([
      { op: "StepRun", displayName: "deliver", data: { status: "sent" } },
    ]);
    expect(run.stepsRun).toEqual(["deliver"]);
    const detail = await call(message.GET, { key, params: { id: res.json.id } });
    expect(detail.json.status).toBe("sent");
    expect(detail.json.attempts).toHaveLength(1);
    expect(double.violations).toEqual([]);
  });

  it("retries a throwing step with the attempt number increasing, then delivers once", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const port = await freePort(); // nothing listens yet: the SMTP relay is down
    await smtpProvider(key, port);
    let sink: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
    double.options.beforeCall = async (run) => {
      if (run.fn.id === fid("messages-send") && run.event.data.orgId === orgId && run.attempt === 2 && !sink)
        sink = await startSmtpSink(port);
    };
    try {
      const res = await call(email.POST, {
        method: "POST",
        key,
        body: { to: "ada@example.com", subject: "Retry", text: "x" },
      });
      expect(res.status).toBe(202);
      await double.settled();
      const run = runFor("messages-send", `message:${res.json.id}`);
      expect(run.status).toBe("completed");
      expect(run.stepErrors).toEqual([
        { step: "deliver", attempt: 0, final: false },
        { step: "deliver", attempt: 1, final: false },
      ]);
      expect(run.stepsRun).toEqual(["deliver"]);
      expect(run.calls.map((c) => [c.attempt, c.status, c.ops[0]?.op ?? null])).toEqual([
        [0, 206, "StepError"],
        [1, 206, "StepError"],
        [2, 206, "StepRun"],
        [0, 200, null],
      ]);
      expect(run.calls.map((c) => (c.request.ctx as { attempt: number }).attempt)).toEqual([0, 1, 2, 0]);
      expect(sink?.received.map((r) => r.envelope.to)).toEqual([["ada@example.com"]]);
      const detail = await call(message.GET, { key, params: { id: res.json.id } });
      expect(detail.json.status).toBe("sent");
      expect(detail.json.attempts.map((a: { outcome: string }) => a.outcome)).toEqual([
        "failure",
        "failure",
        "success",
      ]);
    } finally {
      double.options.beforeCall = undefined;
      closeSmtpTransports();
      await sink?.close();
    }
    expect(double.violations).toEqual([]);
  });

  it("fails the run once every attempt has thrown, and the failure function marks the message failed", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    await smtpProvider(key, await freePort());
    const res = await call(email.POST, {
      method: "POST",
      key,
      body: { to: "bob@example.com", subject: "Never", text: "x" },
    });
    await double.settled();
    const run = runFor("messages-send", `message:${res.json.id}`);
    const retries = double.functions.get(fid("messages-send"))?.retries ?? 0;
    expect(run.status).toBe("failed");
    expect(run.stepErrors).toHaveLength(retries + 1);
    expect(run.stepErrors.at(-1)).toEqual({ step: "deliver", attempt: retries, final: true });
    // With the error memoised, the function throws it and says not to retry (spec 5.2.2).
    const last = run.calls.at(-1);
    expect(last?.status).toBe(400);
    expect(last?.headers["x-inngest-no-retry"]).toBe("true");
    const failed = double.events.find(
      (e) => e.event.name === "inngest/function.failed" && e.event.data.run_id === run.id,
    );
    expect(failed?.runIds).toHaveLength(1);
    const onFailure = double.runs.find((r) => r.id === failed?.runIds[0]);
    expect(onFailure).toMatchObject({ status: "completed" });
    expect(onFailure?.fn.id).toBe(`${fid("messages-send")}-failure`);
    const detail = await call(message.GET, { key, params: { id: res.json.id } });
    expect(detail.json.status).toBe("failed");
    expect(detail.json.error).toMatch(/Relay/);
    expect(double.violations).toEqual([]);
  });

  it("reports a scheduled send as a Sleep until send_at and resumes it when the time comes", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    const later = new Date(Date.now() + 3600_000).toISOString();
    double.options.holdSleeps = true;
    try {
      const res = await call(email.POST, {
        method: "POST",
        key,
        body: { to: "cy@example.com", subject: "Later", text: "x", send_at: later },
      });
      expect(res.json.status).toBe("scheduled");
      await double.settled();
      const run = runFor("messages-send", `message:${res.json.id}`);
      expect(run.status).toBe("sleeping");
      expect(run.calls).toHaveLength(1);
      expect(run.calls[0]?.ops).toMatchObject([{ op: "Sleep", displayName: "wait-for-send-time" }]);
      const sleep = double.sleeps.find((s) => s.runId === run.id);
      expect(sleep?.until?.toISOString()).toBe(later);
      expect(run.stepsRun).toEqual([]);
      expect((await call(message.GET, { key, params: { id: res.json.id } })).json.status).toBe("scheduled");

      expect(double.wake(run.id)).toBe(1);
      await double.settled();
      expect(run.status).toBe("completed");
      expect(run.stepsRun).toEqual(["deliver"]);
      expect(Object.values(run.calls[1]?.request.steps ?? {})).toEqual([{ data: null }]);
      expect((await call(message.GET, { key, params: { id: res.json.id } })).json.status).toBe("sent");
    } finally {
      double.options.holdSleeps = false;
    }
    expect(double.violations).toEqual([]);
  });

  it("requests a message again from the cron when its event was lost to an event API outage", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId, "staff");
    double.options.eventApiDown = true;
    let res: Awaited<ReturnType<typeof call>>;
    try {
      res = await call(sms.POST, { method: "POST", key, body: { to: "+12025550144", message: "Lost" } });
    } finally {
      double.options.eventApiDown = false;
    }
    // The message is stored before its event is sent: the API still answers 202 (a 500
    // for a stored message would invite a retry that sends it twice), and the sweep below sends it.
    expect(res.status).toBe(202);
    const db = await getDb();
    const [stored] = await db.select().from(messages).where(eq(messages.orgId, orgId));
    if (!stored) throw new Error("message not stored");
    expect(stored.status).toBe("queued");
    expect(double.events.some((e) => e.event.id === `message:${stored.id}`)).toBe(false);
    // Three minutes later the every-minute cron finds it idle and requests it again.
    await db
      .update(messages)
      .set({ updatedAt: new Date(Date.now() - 3 * 60_000) })
      .where(eq(messages.id, stored.id));
    const tick = double.tick(fid("messages-dispatch-scheduled"));
    await double.settled();
    expect(tick.status).toBe("completed");
    // Fan-out: the cron's step sent the event (through the SDK) and it started messages-send.
    const requested = double.events.find((e) => e.event.id === `message:${stored.id}`);
    expect(requested?.headers["x-inngest-sdk"]).toMatch(/^inngest-js:/);
    expect(requested?.runIds).toHaveLength(1);
    const run = runFor("messages-send", `message:${stored.id}`);
    expect(run.status).toBe("completed");
    const detail = await call(message.GET, { key, params: { id: stored.id } });
    expect(detail.json.status).toBe("sent");
    expect(detail.json.attempts).toHaveLength(1);
    expect(double.violations).toEqual([]);
  });

  it.each([
    ["a call request per step", false],
    ["checkpointed steps", true],
  ])(
    "runs an email campaign launched through the API to completion, every recipient once (%s)",
    async (_, checkpointing) => {
      const sink = await startSmtpSink();
      double.options.checkpointing = checkpointing;
      try {
        const { orgId } = await makeOrg();
        const key = await makeKey(orgId);
        await smtpProvider(key, sink.port);
        const n = 7;
        const { listId } = await makeAudience(orgId, n, () => ({ tier: "gold" }));
        const t = await call(templates.POST, {
          method: "POST",
          key,
          body: {
            channel: "email",
            name: `T${Date.now()}`,
            subject: "Hello {{name}}",
            html: "<p>Hi {{name}}</p>",
            category: "marketing",
          },
        });
        const c = await call(campaigns.POST, {
          method: "POST",
          key,
          body: {
            name: "Via Inngest",
            channel: "email",
            template_id: t.json.id,
            audience: { list_ids: [listId] },
          },
        });
        expect(c.status).toBe(201);
        const launched = await call(launch.POST, { method: "POST", key, params: { id: c.json.id } });
        expect(launched.json.status).toBe("running");
        await double.settled(60_000);

        const done = (await call(campaign.GET, { key, params: { id: c.json.id } })).json;
        expect(done.status).toBe("completed");
        expect(done.stats).toMatchObject({ targeted: n, sent: n, queued: 0 });
        const to = sink.received.map((r) => r.envelope.to[0]);
        expect(to).toHaveLength(n);
        expect(new Set(to).size).toBe(n);
        // Every run the campaign started (the launch and any fan-out it sent from its steps) finished.
        const campaignRuns = double.runs.filter((r) => r.event.data.campaignId === c.json.id);
        expect(campaignRuns.length).toBeGreaterThanOrEqual(1);
        expect(campaignRuns.map((r) => r.status)).toEqual(campaignRuns.map(() => "completed"));
        expect(runFor("campaigns-launch", `campaign:${c.json.id}:launch`).status).toBe("completed");
        // Each step's code ran once per run, though the run was called once per step and more.
        for (const r of campaignRuns) {
          expect(new Set(r.stepIdsRun).size).toBe(r.stepIdsRun.length);
          if (!checkpointing) expect(r.calls.length).toBeGreaterThan(r.stepIdsRun.length);
        }
      } finally {
        double.options.checkpointing = false;
        closeSmtpTransports();
        await sink.close();
      }
      expect(double.violations).toEqual([]);
    },
  );
});
