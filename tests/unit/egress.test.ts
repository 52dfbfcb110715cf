import dns from "node:dns";
import { createServer, type Server } from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parseEnv } from "@/lib/config";
import {
  type AddressClass,
  classifyAddress,
  closeEgressAgents,
  configuredUrlProblem,
  EgressRefused,
  egressFetch,
  egressRequest,
  literalRefusal,
  refusalFor,
} from "@/lib/net/egress";
import { mediaUrlProblem } from "@/lib/net/hosts";
import { smtpAdapter } from "@/lib/providers/email/smtp";
import { ProviderError } from "@/lib/providers/types";

// The host of every socket connect this file asks for, so a refusal can be
// shown to come before any connection (and nothing here reaches past loopback).
// A literal IP is connected to as is; a name first goes through the socket's
// `lookup`, where the policy refuses it before any TCP connection is made.
const connects: string[] = [];
const realConnect = net.Socket.prototype.connect;
beforeAll(() => {
  vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (
    this: net.Socket,
    ...args: unknown[]
  ) {
    // net.connect passes its normalised [options, callback] array as the first argument.
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const host = typeof first === "object" && first !== null ? (first as { host?: string }).host : args[1];
    connects.push(String(host ?? "localhost"));
    return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  });
});
/** Sockets asked to connect to an IP address (names are resolved and checked first). */
const ipConnects = () => connects.filter((h) => net.isIP(h));
afterEach(() => {
  vi.mocked(dns.promises.lookup).mockRestore?.();
  connects.length = 0;
});
afterAll(() => {
  closeEgressAgents();
  vi.restoreAllMocks();
});

interface Double {
  url: string;
  port: number;
  hits: string[];
  close(): Promise<void>;
}

/** A loopback server answering `answer` and recording each request's path. */
async function double(
  answer: (path: string) => { status: number; headers?: Record<string, string>; body?: string },
) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? "/");
    req.resume();
    req.on("end", () => {
      const a = answer(req.url ?? "/");
      res.writeHead(a.status, a.headers);
      res.end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  } satisfies Double;
}

/** Answers every lookup of `name` with these addresses, as a resolver under an attacker's control would. */
function resolveTo(name: string, ...addresses: string[]) {
  const real = dns.promises.lookup.bind(dns.promises);
  return vi.spyOn(dns.promises, "lookup").mockImplementation((async (host: string, options: unknown) => {
    if (host !== name) return real(host, options as dns.LookupAllOptions);
    return addresses.map((address) => ({ address, family: net.isIP(address) }));
  }) as typeof dns.promises.lookup);
}

async function refusalOf(p: Promise<unknown>): Promise<EgressRefused> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EgressRefused) return e;
    throw e;
  }
  throw new Error("expected a refusal, but the call went through");
}

describe("address classes", () => {
  const cases: [string, AddressClass][] = [
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["10.0.0.5", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["100.127.255.255", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["169.254.0.1", "link-local"],
    ["fe80::1", "link-local"],
    ["febf::1", "link-local"],
    ["169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
    ["ff02::1", "reserved"],
    ["::10.0.0.1", "reserved"],
    // IPv4-mapped IPv6, dotted and hex, and the other IPv6 forms that carry an IPv4 address.
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.5", "private"],
    ["::ffff:a00:5", "private"],
    ["::ffff:169.254.169.254", "metadata"],
    ["::ffff:a9fe:a9fe", "metadata"],
    ["::ffff:169.254.3.4", "link-local"],
    ["::ffff:0.0.0.0", "unspecified"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["64:ff9b::10.1.2.3", "private"],
    ["2002:a9fe:a9fe::1", "metadata"],
    ["2002:c0a8:101::", "private"],
    // Public, including the neighbours of the private ranges.
    ["8.8.8.8", "public"],
    ["172.15.255.255", "public"],
    ["172.32.0.0", "public"],
    ["100.63.255.255", "public"],
    ["100.128.0.0", "public"],
    ["169.253.255.255", "public"],
    ["2606:4700::1111", "public"],
    ["::ffff:8.8.8.8", "public"],
    ["64:ff9b::808:808", "public"],
    ["fec0::1", "public"],
  ];
  it.each(cases)("%s is %s", (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it("with EGRESS_ALLOW_PRIVATE off refuses every class but public", () => {
    for (const [address, cls] of cases) {
      expect(refusalFor(address, [address], { allowPrivate: false }) === null).toBe(cls === "public");
    }
  });

  it("with EGRESS_ALLOW_PRIVATE on allows loopback and private only: link-local and metadata stay refused", () => {
    for (const [address, cls] of cases) {
      const allowed = cls === "public" || cls === "loopback" || cls === "private";
      expect(refusalFor(address, [address], { allowPrivate: true }) === null).toBe(allowed);
    }
    expect(refusalFor("169.254.169.254", ["169.254.169.254"], { allowPrivate: true })?.message).toBe(
      "Refused to connect to 169.254.169.254 (cloud metadata address)",
    );
  });

  it("says what was refused and how to allow it", () => {
    expect(refusalFor("10.0.0.5", ["10.0.0.5"], { allowPrivate: false })?.message).toBe(
      "Refused to connect to 10.0.0.5 (private address) — set EGRESS_ALLOW_PRIVATE=1 to allow private hosts",
    );
    // A name is named, not the internal address it resolved to.
    expect(refusalFor("relay.corp", ["10.9.8.7"], { allowPrivate: false })?.message).toBe(
      "Refused to connect to relay.corp (resolves to a private address) — set EGRESS_ALLOW_PRIVATE=1 to allow private hosts",
    );
    // One bad address among several is enough.
    expect(
      refusalFor("mixed.example", ["8.8.8.8", "169.254.169.254"], { allowPrivate: true }),
    ).not.toBeNull();
  });

  it("judges literal hosts in every spelling the URL parser accepts, and the metadata names", () => {
    for (const host of [
      "0x7f.1",
      "2130706433",
      "017700000001",
      "127.1",
      "[::ffff:127.0.0.1]",
      "::1",
      "localhost",
    ]) {
      expect(literalRefusal(host, { allowPrivate: false })?.addressClass).toBe("loopback");
      expect(literalRefusal(host, { allowPrivate: true })).toBeNull();
    }
    for (const host of [
      "metadata.google.internal",
      "METADATA.google.internal.",
      "169.254.169.254",
      "[fd00:ec2::254]",
    ]) {
      expect(literalRefusal(host, { allowPrivate: true })?.addressClass).toBe("metadata");
    }
    expect(literalRefusal("api.twilio.com", { allowPrivate: false })).toBeNull();
  });

  it("EGRESS_ALLOW_PRIVATE is 0 or 1, off by default", () => {
    expect(parseEnv({}).EGRESS_ALLOW_PRIVATE).toBe("0");
    expect(parseEnv({ EGRESS_ALLOW_PRIVATE: "" }).EGRESS_ALLOW_PRIVATE).toBe("0");
    expect(parseEnv({ EGRESS_ALLOW_PRIVATE: "1" }).EGRESS_ALLOW_PRIVATE).toBe("1");
    expect(() => parseEnv({ EGRESS_ALLOW_PRIVATE: "yes" })).toThrow(/EGRESS_ALLOW_PRIVATE/);
  });
});

describe("configured URLs and media URLs", () => {
  it("base_url: https to a public host; http only to private hosts while they are allowed", async () => {
    expect(await configuredUrlProblem("https://api.eu.mailgun.net", { allowPrivate: false })).toBeNull();
    expect(await configuredUrlProblem("http://127.0.0.1:4010", { allowPrivate: true })).toBeNull();
    expect(await configuredUrlProblem("http://localhost:4010", { allowPrivate: true })).toBeNull();
    expect(await configuredUrlProblem("http://127.0.0.1:4010", { allowPrivate: false })).toMatch(
      /^Refused to connect to 127\.0\.0\.1 \(loopback address\) — set EGRESS_ALLOW_PRIVATE=1/,
    );
    expect(await configuredUrlProblem("https://169.254.169.254/", { allowPrivate: true })).toMatch(
      /metadata/,
    );
    expect(await configuredUrlProblem("http://8.8.8.8/", { allowPrivate: true })).toMatch(/plain http/);
    // Without private hosts allowed, http is refused before any lookup.
    const lookup = resolveTo("relay.test", "10.0.0.5");
    expect(await configuredUrlProblem("http://relay.test/", { allowPrivate: false })).toMatch(
      /must be https/,
    );
    expect(lookup).not.toHaveBeenCalled();
    expect(await configuredUrlProblem("http://relay.test/", { allowPrivate: true })).toBeNull();
    expect(await configuredUrlProblem("ftp://example.com/", { allowPrivate: true })).toMatch(/http\(s\)/);
  });

  it("media URLs: https to a named host, judged without DNS", () => {
    expect(mediaUrlProblem("https://cdn.example.com/a.png")).toBeNull();
    expect(mediaUrlProblem("http://cdn.example.com/a.png")).toBe("must be an https URL");
    for (const url of [
      "https://10.0.0.5/a",
      "https://0xa000005/a",
      "https://[::ffff:a00:5]/a",
      "https://169.254.169.254/",
    ]) {
      expect(mediaUrlProblem(url)).toBe("must name a host, not an IP address");
    }
    expect(mediaUrlProblem("https://localhost/a")).toBe("must name a public host");
    expect(mediaUrlProblem("https://metadata.google.internal/a")).toBe("must name a public host");
  });
});

describe("egressFetch", () => {
  it("refuses literal private and metadata addresses before any connection", async () => {
    const lookup = resolveTo("unused.test");
    for (const url of [
      "http://10.0.0.5/",
      "http://169.254.169.254/latest/meta-data/",
      "https://[::ffff:a9fe:a9fe]/",
    ]) {
      await refusalOf(egressFetch(url, { allowPrivate: !url.includes("10.0.0.5") }));
    }
    await refusalOf(
      egressFetch("https://metadata.google.internal/computeMetadata/v1/", { allowPrivate: true }),
    );
    expect(connects).toEqual([]);
    expect(lookup).not.toHaveBeenCalled();
  });

  it("reaches a loopback double only when private hosts are allowed", async () => {
    const d = await double(() => ({ status: 200, body: "hello" }));
    try {
      const refused = await refusalOf(egressFetch(`${d.url}/x`, { allowPrivate: false }));
      expect(refused.message).toBe(
        "Refused to connect to 127.0.0.1 (loopback address) — set EGRESS_ALLOW_PRIVATE=1 to allow private hosts",
      );
      expect(d.hits).toEqual([]);
      const res = await egressFetch(`${d.url}/x`, { allowPrivate: true });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("hello");
      expect(d.hits).toEqual(["/x"]);
      // The connect spy sees real connections (so its empty lists elsewhere mean something).
      expect(connects).toEqual(["127.0.0.1"]);
    } finally {
      await d.close();
    }
  });

  it("checks a name's addresses on the connection and connects to the address it checked", async () => {
    const d = await double(() => ({ status: 200, body: "ok" }));
    try {
      // relay.test exists nowhere: reaching the double proves the connection used the checked answer.
      const lookup = resolveTo("relay.test", "127.0.0.1");
      const res = await egressFetch(`http://relay.test:${d.port}/via-name`, { allowPrivate: true });
      expect(await res.text()).toBe("ok");
      expect(lookup).toHaveBeenCalledTimes(1);
      expect(d.hits).toEqual(["/via-name"]);

      const refused = await refusalOf(egressFetch(`http://relay.test:${d.port}/`, { allowPrivate: false }));
      expect(refused.message).toMatch(
        /^Refused to connect to relay\.test \(resolves to a loopback address\)/,
      );
      expect(d.hits).toHaveLength(1);
    } finally {
      await d.close();
    }
  });

  it("refuses a name that resolves to a metadata address, or to any refused address among others", async () => {
    resolveTo("rebind.test", "127.0.0.1", "169.254.169.254");
    const refused = await refusalOf(egressFetch("http://rebind.test:9/", { allowPrivate: true }));
    expect(refused.addressClass).toBe("metadata");
    expect(ipConnects()).toEqual([]);
  });

  it("refuses plain http to a public address", async () => {
    resolveTo("public.test", "93.184.216.34");
    const refused = await refusalOf(egressFetch("http://public.test/", { allowPrivate: true }));
    expect(refused.message).toMatch(/plain http/);
    expect(ipConnects()).toEqual([]);
  });

  it("does not follow redirects", async () => {
    const target = await double(() => ({ status: 200, body: "followed" }));
    const d = await double(() => ({ status: 302, headers: { location: `${target.url}/stolen` } }));
    try {
      const res = await egressFetch(`${d.url}/start`, { allowPrivate: true });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`${target.url}/stolen`);
      await expect(egressFetch(`${d.url}/start`, { allowPrivate: true, redirect: "error" })).rejects.toThrow(
        /redirect/,
      );
      // Even when asked to follow, it does not.
      const asked = await egressFetch(`${d.url}/start`, { allowPrivate: true, redirect: "follow" });
      expect(asked.status).toBe(302);
      expect(target.hits).toEqual([]);
    } finally {
      await d.close();
      await target.close();
    }
  });

  it("sends bodies as fetch would and times out", async () => {
    let seen = "";
    const server = createServer((req, res) => {
      if (req.url === "/slow") return; // never answers
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        seen = `${req.method} ${req.headers["content-type"]} ${body}`;
        res.end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await egressFetch(`${url}/form`, {
        method: "POST",
        body: new URLSearchParams({ a: "1" }),
        allowPrivate: true,
      });
      expect(seen).toBe("POST application/x-www-form-urlencoded;charset=UTF-8 a=1");
      const started = Date.now();
      await expect(egressFetch(`${url}/slow`, { allowPrivate: true, timeoutMs: 200 })).rejects.toMatchObject({
        name: "TimeoutError",
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("egressRequest (the lean client webhooks use)", () => {
  it("refuses what egressFetch refuses, before any connection", async () => {
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "ftp://127.0.0.1/",
      "http://127.0.0.1:9/",
    ]) {
      await refusalOf(egressRequest(url, { allowPrivate: url.includes("169.254") }));
    }
    expect(connects).toEqual([]);
  });

  it("reuses one keep-alive connection for consecutive requests to a host", async () => {
    const d = await double(() => ({ status: 204 }));
    try {
      for (let i = 0; i < 5; i++) {
        const res = await egressRequest(`${d.url}/k${i}`, { method: "POST", body: "{}", allowPrivate: true });
        expect(res.status).toBe(204);
      }
      expect(d.hits).toEqual(["/k0", "/k1", "/k2", "/k3", "/k4"]);
      expect(connects).toEqual(["127.0.0.1"]);
    } finally {
      await d.close();
    }
  });

  it("keeps the first maxBytes of a large answer with truncate, and refuses it without", async () => {
    const big = "x".repeat(200_000);
    const d = await double(() => ({ status: 200, body: big }));
    try {
      const cut = await egressRequest(`${d.url}/big`, { allowPrivate: true, maxBytes: 500, truncate: true });
      expect(cut.status).toBe(200);
      expect(cut.body.toString()).toBe("x".repeat(500));
      await expect(egressRequest(`${d.url}/big`, { allowPrivate: true, maxBytes: 500 })).rejects.toThrow(
        /exceeds 500 bytes/,
      );
      // Truncating still reads the answer to its end, so the connection stays usable.
      const again = await egressRequest(`${d.url}/again`, {
        allowPrivate: true,
        maxBytes: 10,
        truncate: true,
      });
      expect(again.body.toString()).toBe("x".repeat(10));
    } finally {
      await d.close();
    }
  });

  it("times out the whole exchange with a TimeoutError", async () => {
    const server = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;
    try {
      const started = Date.now();
      await expect(
        egressRequest(url, { method: "POST", body: "{}", allowPrivate: true, timeoutMs: 200 }),
      ).rejects.toMatchObject({ name: "TimeoutError", message: "Timed out after 0.2 s" });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("SMTP hosts", () => {
  const send = (host: string) =>
    smtpAdapter.send(
      {
        config: { host, port: 25, tls_mode: "none" },
        credentials: {},
        sender: { email: "a@example.test" },
      },
      {
        id: "m1",
        messageIdHeader: "<m1@example.test>",
        from: { email: "a@example.test" },
        to: ["b@example.test"],
        subject: "s",
        text: "t",
      },
    );

  it("refuses a host that is, or resolves to, a metadata or link-local address before connecting", async () => {
    resolveTo("smtp.rebind.test", "169.254.10.10");
    for (const host of [
      "169.254.169.254",
      "metadata.google.internal",
      "smtp.rebind.test",
      "::ffff:169.254.169.254",
    ]) {
      const e = await send(host).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ProviderError);
      expect((e as ProviderError).message).toMatch(/^Refused to connect to /);
      expect((e as ProviderError).retryable).toBe(true);
    }
    // SMTP resolves and checks before it opens any socket at all.
    expect(connects).toEqual([]);
  });
});
