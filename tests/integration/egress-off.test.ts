import net, { type AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as test from "@/app/api/v1/providers/[id]/test/route";
import * as collection from "@/app/api/v1/providers/route";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { providers } from "@/lib/db/schema";
import { closeEgressAgents } from "@/lib/net/egress";
import { closeSmtpTransports } from "@/lib/providers/email/smtp";
import { call, makeKey, makeOrg } from "../factories";
import { type HttpDouble, startHttpDouble } from "../providers/http-double";

// The production default: every other test file runs with EGRESS_ALLOW_PRIVATE=1
// (vitest.config.ts) because its doubles listen on loopback. The configuration
// is read on first use, so setting it before anything runs is enough.
vi.hoisted(() => {
  process.env.EGRESS_ALLOW_PRIVATE = "0";
});

const LOOPBACK_REFUSED =
  "Refused to connect to 127.0.0.1 (loopback address) — set EGRESS_ALLOW_PRIVATE=1 to allow private hosts";

let api: HttpDouble;
// A bare TCP listener standing in for an SMTP server: it counts connections.
let smtpConnections = 0;
let smtpPort = 0;
const smtpListener = net.createServer((socket) => {
  smtpConnections++;
  socket.destroy();
});
const connectHosts: string[] = [];

beforeAll(async () => {
  api = await startHttpDouble({ status: 202, headers: { "x-message-id": "never" } });
  await new Promise<void>((resolve) => smtpListener.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtpListener.address() as AddressInfo).port;
  const realConnect = net.Socket.prototype.connect;
  vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (
    this: net.Socket,
    ...args: unknown[]
  ) {
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const host = typeof first === "object" && first !== null ? (first as { host?: string }).host : args[1];
    connectHosts.push(String(host ?? "localhost"));
    return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  closeEgressAgents();
  closeSmtpTransports();
  await api.close();
  await new Promise<void>((resolve) => smtpListener.close(() => resolve()));
});

/** A provider row as it might have been saved while private hosts were allowed. */
async function savedWith(key: string, type: "sendgrid" | "smtp", config: Record<string, unknown>) {
  const res = await call(collection.POST, {
    method: "POST",
    key,
    body: {
      name: `${type} ${Math.random()}`,
      type,
      priority: 1,
      sender: { email: "alerts@acme.test" },
      config:
        type === "sendgrid"
          ? { base_url: "https://api.sendgrid.com" }
          : { host: "smtp.example.com", port: 25, tls_mode: "none" },
      credentials: type === "sendgrid" ? { api_key: "SG.key" } : {},
    },
  });
  expect(res.status).toBe(201);
  const db = await getDb();
  await db.update(providers).set({ config }).where(eq(providers.id, res.json.id));
  return res.json.id as string;
}

const runTest = (key: string, id: string) =>
  call(test.POST, { method: "POST", key, params: { id }, body: { to: "me@example.com" } });

describe("egress policy with EGRESS_ALLOW_PRIVATE off", () => {
  it("runs with private hosts refused", () => {
    expect(config().egressAllowPrivate).toBe(false);
  });

  it("refuses to save a loopback base_url or SMTP host, naming the field", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const http = await call(collection.POST, {
      method: "POST",
      key,
      body: {
        name: "Double",
        type: "sendgrid",
        sender: { email: "a@acme.test" },
        config: { base_url: api.url },
        credentials: { api_key: "k" },
      },
    });
    expect(http.status).toBe(400);
    expect(http.json.error.details).toEqual([{ field: "config.base_url", message: LOOPBACK_REFUSED }]);

    const https = await call(collection.POST, {
      method: "POST",
      key,
      body: {
        name: "Private",
        type: "sendgrid",
        sender: { email: "a@acme.test" },
        config: { base_url: "https://10.0.0.5" },
        credentials: { api_key: "k" },
      },
    });
    expect(https.json.error.details).toEqual([
      {
        field: "config.base_url",
        message:
          "Refused to connect to 10.0.0.5 (private address) — set EGRESS_ALLOW_PRIVATE=1 to allow private hosts",
      },
    ]);

    for (const host of ["127.0.0.1", "localhost", "0x7f.0.0.1"]) {
      const smtp = await call(collection.POST, {
        method: "POST",
        key,
        body: {
          name: `Relay ${host}`,
          type: "smtp",
          sender: { email: "a@acme.test" },
          config: { host, port: smtpPort, tls_mode: "none" },
        },
      });
      expect(smtp.status).toBe(400);
      expect(smtp.json.error.details).toEqual([
        {
          field: "config.host",
          message: expect.stringMatching(/\(loopback address\) — set EGRESS_ALLOW_PRIVATE=1/),
        },
      ]);
    }
    expect(api.requests).toHaveLength(0);
    expect(smtpConnections).toBe(0);
  });

  it("a provider already pointing at a loopback double is refused at send time, and the double hears nothing", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const id = await savedWith(key, "sendgrid", { base_url: api.url });
    const res = await runTest(key, id);
    expect(res.json).toMatchObject({ success: false, error: LOOPBACK_REFUSED });
    expect(api.requests).toHaveLength(0);
  });

  it("a private address is refused before any connection", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    const id = await savedWith(key, "sendgrid", { base_url: "https://10.0.0.5:8443" });
    connectHosts.length = 0;
    const res = await runTest(key, id);
    expect(res.json).toMatchObject({
      success: false,
      error:
        "Refused to connect to 10.0.0.5 (private address) — set EGRESS_ALLOW_PRIVATE=1 to allow private hosts",
    });
    expect(connectHosts).not.toContain("10.0.0.5");
  });

  it("an SMTP host on loopback is refused before connecting", async () => {
    const { orgId } = await makeOrg();
    const key = await makeKey(orgId);
    for (const host of ["127.0.0.1", "localhost"]) {
      const id = await savedWith(key, "smtp", { host, port: smtpPort, tls_mode: "none" });
      const res = await runTest(key, id);
      expect(res.json.success).toBe(false);
      expect(res.json.error).toMatch(
        new RegExp(`^Refused to connect to ${host} \\(loopback address\\) — set EGRESS_ALLOW_PRIVATE=1`),
      );
    }
    expect(smtpConnections).toBe(0);
  });
});
