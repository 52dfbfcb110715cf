import { createServer, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { closeSmtpTransports, smtpAdapter } from "@/lib/providers/email/smtp";
import { ProviderError } from "@/lib/providers/types";
import { freePort, startSmtpSink } from "../smtp-sink";

afterAll(() => closeSmtpTransports());

const message = (n: number) => ({
  id: `m${n}`,
  messageIdHeader: `<m${n}@acme.test>`,
  from: { email: "news@acme.test" },
  to: [`user${n}@example.com`],
  subject: `Hello ${n}`,
  text: "Hi",
});

const ctx = (port: number, extra: Record<string, unknown> = {}) => ({
  config: smtpAdapter.configSchema.parse({ host: "127.0.0.1", port, tls_mode: "none", ...extra }),
  credentials: {},
  sender: { email: "news@acme.test" },
});

describe("SMTP adapter sockets", () => {
  it("fails a send, retryably, when the server closes the connection before its greeting (it used to hang)", async () => {
    const sockets: Socket[] = [];
    // A server going down: accepts the TCP connection, then closes it without a word.
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const started = Date.now();
    const outcome = await Promise.race([
      smtpAdapter.send(ctx(port), message(1)).then(
        () => "sent",
        (e: unknown) => e,
      ),
      new Promise((r) => setTimeout(() => r("hung"), 8000)),
    ]);
    expect(outcome).toBeInstanceOf(ProviderError);
    expect((outcome as ProviderError).retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(sockets.length).toBeGreaterThan(0);
    closeSmtpTransports();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("fails every send to a server that refuses connections, however many wait in the pool (they used to hang)", async () => {
    const port = await freePort();
    const c = ctx(port, { max_connections: 2 });
    const sends = Array.from({ length: 12 }, (_, i) => smtpAdapter.send(c, message(200 + i)));
    const outcome = await Promise.race([
      Promise.allSettled(sends),
      new Promise((r) => setTimeout(() => r("hung"), 8000)),
    ]);
    expect(outcome).not.toBe("hung");
    const settled = outcome as PromiseSettledResult<unknown>[];
    expect(settled.every((r) => r.status === "rejected")).toBe(true);
    for (const r of settled) {
      const reason = (r as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(ProviderError);
      expect(reason.retryable).toBe(true);
    }
    closeSmtpTransports();
  });

  it("finishes sends already under way when the pooled transports are closed, rather than dropping or hanging them", async () => {
    const sink = await startSmtpSink();
    const c = ctx(sink.port);
    await smtpAdapter.send(c, message(100)); // the transport exists and is warm
    for (let round = 0; round < 5; round++) {
      const sends = Array.from({ length: 8 }, (_, i) => smtpAdapter.send(c, message(round * 10 + i)));
      // Close a few ticks later: sendMail is between its call and the pool.
      await new Promise((r) => setImmediate(r));
      closeSmtpTransports();
      const outcome = await Promise.race([
        Promise.allSettled(sends).then(() => "settled"),
        new Promise((r) => setTimeout(() => r("hung"), 5000)),
      ]);
      expect(outcome).toBe("settled");
    }
    expect(sink.received.length).toBe(41);
    await sink.close();
  });

  it("sends through a pool of max_connections sockets with Nagle's algorithm off", async () => {
    const sink = await startSmtpSink();
    const peers = new Set<string>();
    const c = ctx(sink.port, { max_connections: 2 });
    expect(c.config).toMatchObject({ max_connections: 2 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => smtpAdapter.send(c, message(i))));
    for (const r of results) peers.add(String(r.providerMessageId));
    expect(sink.received).toHaveLength(12);
    expect(peers.size).toBe(12);
    expect(smtpAdapter.configSchema.safeParse({ host: "h", port: 25, max_connections: 0 }).success).toBe(
      false,
    );
    closeSmtpTransports();
    await sink.close();
  });
});
