// `npm run bench:campaign`: the campaign benchmark of issue 5 — a script, not a test.
//
// Against Postgres only: creates a throwaway database (unless BENCH_DATABASE_URL is
// given), loads contacts with COPY, and measures
//   1. an email campaign to a loopback SMTP sink that accepts and discards, beside a
//      plain nodemailer pool sending the same number of pre-rendered messages;
//   2. an SMS campaign through the Twilio adapter at a loopback Twilio double, beside
//      plain fetch() POSTs of the same requests;
//   3. the audience freeze of a large campaign, beside a raw COPY of the same rows;
//   4. the peak RSS (VmHWM) of the app process at the small and the large size.
// Campaigns run the way production runs them: launchCampaign here, the work in a
// separate `node scripts/launch.mjs worker` process (npm run worker: the embedded job runner, compiled),
// one fresh worker per campaign so its VmHWM is that campaign's peak. The ceilings
// run in a child process of this script too, so neither side shares its event loop
// with the sinks. Prints a table and writes it as JSON (bench/campaign-results.json).
//
// Sizes: BENCH_EMAIL (100000), BENCH_SMS (100000), BENCH_FREEZE (1000000);
// BENCH_RSS_SEND_SECONDS (20): how long the large campaign keeps sending after its
// freeze before it is paused; BENCH_OUT: results path; BENCH_DATABASE_URL: use this
// database instead of creating one (it is not dropped); BENCH_TIMEOUT_SECONDS: per run;
// BENCH_CEILING_NODELAY=0: stock nodemailer sockets for the email ceiling (see below);
// BENCH_LOG_LEVEL: the app's LOG_LEVEL (warn).

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { SMTPServer } from "smtp-server";

const ROOT = path.resolve(import.meta.dirname, "..");
const SELF = path.relative(ROOT, import.meta.filename);
/** Mirrors the SMTP adapter's pool (lib/providers/email/smtp.ts). */
const SMTP_POOL_CONNECTIONS = 5;
/**
 * The email ceiling's sockets set TCP_NODELAY unless BENCH_CEILING_NODELAY=0. nodemailer's
 * own sockets keep Nagle's algorithm on, and with the receiver's delayed ACK (40 ms on
 * Linux) that stalls the end of every message: any stock nodemailer pool of 5 connections
 * tops out near 100 msg/s on loopback, which would make a meaningless ceiling.
 */
const CEILING_NODELAY = process.env.BENCH_CEILING_NODELAY !== "0";

type Sql = ReturnType<typeof postgres>;

function envInt(name: string, fallback: number): number {
  const raw = process.env[name]?.replace(/[_,]/g, "");
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${name} must be a positive integer (got ${process.env[name]})`);
  return n;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`;
const secs = (ms: number) => `${fmt(ms / 1000, 2)} s`;
const stamp = () => new Date().toISOString().slice(11, 19);
const say = (line: string) => console.log(`[${stamp()}] ${line}`);

/** A field of /proc/<pid>/status in bytes (VmHWM is the peak resident set size). */
function procStatusBytes(pid: number, field: "VmHWM" | "VmRSS"): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system, in clock ticks) a process has used so far. */
function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Waits until a process has settled (< 50 ms of CPU in a second), at most `maxMs`. */
async function waitUntilIdle(pid: number, maxMs = 30_000): Promise<void> {
  const until = Date.now() + maxMs;
  let before = cpuTicks(pid);
  while (Date.now() < until) {
    await sleep(1000);
    const now = cpuTicks(pid);
    if (now === null || before === null || now - before < 5) return;
    before = now;
  }
}

// ---------------------------------------------------------------------------
// Cleanup: everything started registers its undo here; run in reverse, always.

const cleanups: { label: string; fn: () => Promise<void> | void }[] = [];
function onCleanup(label: string, fn: () => Promise<void> | void): void {
  cleanups.push({ label, fn });
}
let cleaning: Promise<void> | undefined;
function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    for (let c = cleanups.pop(); c; c = cleanups.pop()) {
      try {
        // Bounded, so that one stuck step cannot keep the database from being dropped.
        await Promise.race([
          c.fn(),
          sleep(30_000).then(() => {
            throw new Error("timed out after 30 s");
          }),
        ]);
      } catch (e) {
        console.error(`cleanup (${c.label}) failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  })();
  return cleaning;
}

// ---------------------------------------------------------------------------
// Loopback sinks

interface Sink {
  port: number;
  url: string;
  count(): number;
  close(): Promise<void>;
}

/** An SMTP server that accepts every message and discards it without parsing. */
async function startSmtpDiscardSink(): Promise<Sink> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 100,
    onData(stream, _session, callback) {
      stream.on("end", () => {
        received++;
        callback();
      });
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    count: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Answers POST /2010-04-01/Accounts/{sid}/Messages.json like Twilio: 201 with a message SID. */
async function startTwilioDouble(): Promise<Sink> {
  let received = 0;
  const server = createServer((req, res) => {
    req.on("end", () => {
      if (req.method === "POST" && /^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(req.url ?? "")) {
        received++;
        const body = JSON.stringify({
          sid: `SM${received.toString(16).padStart(32, "0")}`,
          status: "queued",
          num_segments: "1",
          price: null,
          price_unit: "USD",
        });
        res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      } else {
        res.writeHead(404, { "content-type": "application/json" });
        res.end('{"code":20404,"message":"not found"}');
      }
    });
    req.resume();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    count: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------
// Child processes: the app's worker, and this script's ceiling modes

interface Child {
  child: ChildProcess;
  pid: number;
  exited: Promise<void>;
}

function spawnNode(args: string[], env: NodeJS.ProcessEnv, { tsx = true } = {}): Child {
  // node itself (with tsx's loader for TypeScript): one process, so its pid and VmHWM are the app's.
  const child = spawn(process.execPath, [...(tsx ? ["--import", "tsx"] : []), ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (!child.pid) throw new Error(`could not start ${args.join(" ")}`);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const c: Child = { child, pid: child.pid, exited };
  onCleanup(`stop pid ${child.pid}`, () => stopChild(c));
  return c;
}

async function stopChild(c: Child): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  c.child.kill("SIGTERM");
  const stopped = await Promise.race([c.exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!stopped) {
    c.child.kill("SIGKILL");
    await c.exited;
  }
}

/** Starts the production worker (`npm run worker`: compiled JavaScript, no tsx) and waits until its runner is up. */
async function startWorker(env: NodeJS.ProcessEnv): Promise<Child> {
  const w = spawnNode(["scripts/launch.mjs", "worker"], env, { tsx: false });
  await new Promise<void>((resolve, reject) => {
    let buffered = "";
    let ready = false;
    const timer = setTimeout(() => reject(new Error("the worker did not start within 120 s")), 120_000);
    w.child.stdout?.on("data", (chunk: Buffer) => {
      if (ready) return;
      buffered += chunk.toString();
      if (buffered.includes("running background jobs")) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    });
    w.child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`the worker exited before it was ready (${signal ?? code})`));
    });
  });
  return w;
}

interface CeilingParams {
  kind: "email" | "sms";
  campaignId: string;
  providerId: string;
  n: number;
  concurrency: number;
  port: number;
  baseUrl: string;
  accountSid: string;
  authToken: string;
}
interface CeilingResult {
  ms: number;
  sent: number;
  failed: number;
  firstError: string | null;
}

/** Runs this script in a ceiling mode in a child process and returns its result line. */
async function runCeiling(params: CeilingParams, env: NodeJS.ProcessEnv): Promise<CeilingResult> {
  const c = spawnNode([SELF, `ceiling-${params.kind}`], { ...env, BENCH_CHILD: JSON.stringify(params) });
  let out = "";
  let result: CeilingResult | undefined;
  c.child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (line.startsWith("RESULT ")) result = JSON.parse(line.slice(7)) as CeilingResult;
      else if (line.trim()) say(`  ${params.kind} ceiling: ${line}`);
    }
  });
  await c.exited;
  if (c.child.exitCode !== 0 || !result)
    throw new Error(`the ${params.kind} ceiling child failed (exit ${c.child.exitCode})`);
  return result;
}

// ---------------------------------------------------------------------------
// Ceiling modes (run as a child: `node --import tsx scripts/bench-campaign.ts ceiling-email`)

async function ceilingChild(kind: "email" | "sms"): Promise<void> {
  const p = JSON.parse(process.env.BENCH_CHILD ?? "{}") as CeilingParams;
  const { getDb, closeDb } = await import("@/lib/db");
  const { messages, providers } = await import("@/lib/db/schema");
  const { asc, eq } = await import("drizzle-orm");
  const db = await getDb();
  // Real frozen rows of the campaign just run, cycled: the same content and sizes.
  const sample = await db
    .select()
    .from(messages)
    .where(eq(messages.campaignId, p.campaignId))
    .orderBy(asc(messages.id))
    .limit(1000);
  const [provider] = await db.select().from(providers).where(eq(providers.id, p.providerId));
  await closeDb();
  if (!sample.length || !provider) throw new Error("no sample messages or provider for the ceiling");
  const pick = (i: number) => sample[i % sample.length] as (typeof sample)[number];

  let sendOne: (i: number) => Promise<void>;
  let close: () => void = () => {};
  if (kind === "email") {
    const { buildEmail } = await import("@/lib/services/messages/deliver");
    const { toNodemailerMessage } = await import("@/lib/providers/email/smtp");
    const nodemailer = (await import("nodemailer")).default;
    // Pre-rendered: every message object is built before the clock starts.
    const prepared = Array.from({ length: p.n }, (_, i) => ({
      ...toNodemailerMessage(buildEmail(pick(i), provider)),
      messageId: `<bench-${i}@bench.example.com>`,
    }));
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: p.port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: SMTP_POOL_CONNECTIONS,
      ...(CEILING_NODELAY
        ? {
            getSocket(
              _options: unknown,
              callback: (err: Error | null, socket?: { connection: Socket }) => void,
            ) {
              const socket = connect(p.port, "127.0.0.1");
              socket.setNoDelay(true);
              const failed = (e: Error) => callback(e);
              socket.once("error", failed);
              socket.once("connect", () => {
                socket.off("error", failed);
                callback(null, { connection: socket });
              });
            },
          }
        : {}),
    });
    sendOne = async (i) => {
      const info = await transport.sendMail(prepared[i] as (typeof prepared)[number]);
      if (info.accepted.length === 0) throw new Error(`rejected: ${info.response}`);
    };
    close = () => transport.close();
  } else {
    const { buildSms } = await import("@/lib/services/messages/deliver");
    const { basicAuth } = await import("@/lib/providers/http");
    // The same form the Twilio adapter posts.
    const forms = Array.from({ length: p.n }, (_, i) => {
      const m = buildSms(pick(i), provider);
      const form = new URLSearchParams({ To: m.to, Body: m.body });
      const from = m.from ?? provider.sender.phone ?? provider.sender.sender_id;
      if (from) form.set("From", from);
      if (m.statusCallbackUrl) form.set("StatusCallback", m.statusCallbackUrl);
      return form.toString();
    });
    const url = `${p.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(p.accountSid)}/Messages.json`;
    const headers = {
      authorization: basicAuth(p.accountSid, p.authToken),
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    sendOne = async (i) => {
      const res = await fetch(url, { method: "POST", headers, body: forms[i] });
      const text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
      JSON.parse(text);
    };
  }

  let next = 0;
  let failed = 0;
  let firstError: string | null = null;
  const started = performance.now();
  // `concurrency` sends in flight at any moment (a sliding window, not groups).
  await Promise.all(
    Array.from({ length: p.concurrency }, async () => {
      for (let i = next++; i < p.n; i = next++) {
        try {
          await sendOne(i);
        } catch (e) {
          failed++;
          firstError ??= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  const ms = performance.now() - started;
  close();
  const result: CeilingResult = { ms, sent: p.n - failed, failed, firstError };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------------------
// Postgres

function pgReady(): boolean {
  try {
    execFileSync("pg_isready", ["-q", "-h", "127.0.0.1", "-p", "5432"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Starts the local cluster the way .ci/run does, when it is not running. */
async function ensurePostgres(): Promise<void> {
  if (pgReady()) return;
  const version = readdirSync("/etc/postgresql")[0];
  if (!version) throw new Error("Postgres is not running and no cluster was found under /etc/postgresql");
  say(`starting Postgres ${version}`);
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], {
    stdio: "inherit",
  });
  for (let i = 0; i < 30 && !pgReady(); i++) await sleep(1000);
  if (!pgReady()) throw new Error("Postgres did not become ready within 30 s");
}

async function checkpoint(sql: Sql): Promise<void> {
  try {
    await sql`checkpoint`;
  } catch {
    // not a superuser: measure without it
  }
}

// ---------------------------------------------------------------------------
// The benchmark

interface Row {
  key: string;
  measure: string;
  value: string;
  ceiling: string;
  ratio: number | null;
  target: string;
  met: boolean | null;
  data: Record<string, unknown>;
}

interface CampaignRun {
  campaignId: string;
  recipients: number;
  launchToFrozenMs: number;
  launchToEndMs: number;
  sent: number;
  statuses: Record<string, number>;
  sinkReceived: number;
  peakRssBytes: number | null;
  stoppedBy: "completed" | "paused";
}

async function main(): Promise<void> {
  const sizes = {
    email: envInt("BENCH_EMAIL", 100_000),
    sms: envInt("BENCH_SMS", 100_000),
    freeze: envInt("BENCH_FREEZE", 1_000_000),
  };
  const rssSendSeconds = envInt("BENCH_RSS_SEND_SECONDS", 20);
  const timeoutOverride = process.env.BENCH_TIMEOUT_SECONDS ? envInt("BENCH_TIMEOUT_SECONDS", 0) : null;
  const outFile = path.resolve(ROOT, process.env.BENCH_OUT ?? "bench/campaign-results.json");
  const contactsNeeded = Math.max(sizes.email, sizes.sms, sizes.freeze);
  if (contactsNeeded > 7_999_999) throw new Error("at most 7,999,999 recipients");
  say(
    `campaign benchmark: email ${fmt(sizes.email)}, sms ${fmt(sizes.sms)}, freeze ${fmt(sizes.freeze)} recipients (Postgres, worker process)`,
  );

  // Database
  let databaseUrl = process.env.BENCH_DATABASE_URL;
  if (!databaseUrl) {
    await ensurePostgres();
    const name = `switchboard_bench_${Date.now()}`;
    execFileSync("createdb", ["-h", "127.0.0.1", "-U", "postgres", name], { stdio: "inherit" });
    onCleanup(`drop database ${name}`, () => {
      execFileSync("dropdb", ["-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", name], {
        stdio: "inherit",
      });
      say(`dropped database ${name}`);
    });
    databaseUrl = `postgres://postgres@127.0.0.1:5432/${name}`;
    say(`created database ${name}`);
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-"));
  onCleanup("remove temporary directory", () => rmSync(dataDir, { recursive: true, force: true }));

  // One configuration for this process and every child (the worker must decrypt the
  // provider credentials this process encrypts).
  const appEnv: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    AUTH_SECRET: randomBytes(48).toString("base64"),
    APP_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    APP_URL: "http://127.0.0.1:3000",
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
    INNGEST_EVENT_KEY: "",
    INNGEST_SIGNING_KEY: "",
    INNGEST_DEV: "",
    // The provider doubles (SMTP sink, Twilio double) listen on loopback.
    EGRESS_ALLOW_PRIVATE: "1",
  };
  Object.assign(process.env, appEnv);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...appEnv };

  const raw = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  onCleanup("close benchmark connection", () => raw.end({ timeout: 5 }));

  // App modules only now, after the environment is set.
  const { getDb, closeDb } = await import("@/lib/db");
  const schema = await import("@/lib/db/schema");
  const { systemCtx } = await import("@/lib/services/context");
  const { findOrCreateOrganisation } = await import("@/lib/services/orgs/organisations");
  const { createProvider } = await import("@/lib/services/providers/providers");
  const { providerCreate } = await import("@/lib/validation/providers");
  const { createTemplate } = await import("@/lib/services/templates/templates");
  const { templateCreate } = await import("@/lib/validation/templates");
  const { createCampaign, launchCampaign, pauseCampaign } = await import(
    "@/lib/services/campaigns/campaigns"
  );
  const { campaignCreate } = await import("@/lib/validation/campaigns");
  const { CAMPAIGN_CONCURRENCY } = await import("@/lib/services/campaigns/dispatch");
  // launchCampaign emits here; the worker processes run the functions.
  const { setJobFunctions } = await import("@/lib/jobs/functions");
  setJobFunctions((await import("@/inngest")).functions);

  const db = await getDb(); // applies the migrations
  onCleanup("close app database", () => closeDb());
  const [pgVersion] = await raw<{ v: string }[]>`select current_setting('server_version') as v`;

  // Loopback sinks
  const smtpSink = await startSmtpDiscardSink();
  onCleanup("close SMTP sink", () => smtpSink.close());
  const twilio = await startTwilioDouble();
  onCleanup("close Twilio double", () => twilio.close());
  say(`SMTP discard sink on ${smtpSink.url}, Twilio double on ${twilio.url}`);

  // Organisation, providers, templates
  const org = await db.transaction((tx) => findOrCreateOrganisation(tx, `Bench ${Date.now()}`));
  const ctx = systemCtx(org.id, "bench");
  const smtpProvider = await createProvider({
    ctx,
    input: providerCreate.parse({
      name: "Bench SMTP",
      type: "smtp",
      priority: 1,
      sender: { email: "news@bench.example.com", name: "Bench" },
      config: { host: "127.0.0.1", port: smtpSink.port, tls_mode: "none" },
    }),
  });
  const accountSid = `AC${randomBytes(16).toString("hex")}`;
  const authToken = randomBytes(16).toString("hex");
  const twilioProvider = await createProvider({
    ctx,
    input: providerCreate.parse({
      name: "Bench Twilio",
      type: "twilio",
      priority: 1,
      cost_per_unit: 0.0079,
      sender: { phone: "+12025550100" },
      config: { base_url: twilio.url },
      credentials: { account_sid: accountSid, auth_token: authToken },
    }),
  });
  const emailTemplate = await createTemplate({
    ctx,
    input: templateCreate.parse({
      channel: "email",
      name: "Bench newsletter",
      category: "marketing",
      subject: "{{name}}, your {{tier}} preview of the autumn collection",
      html: [
        '<!doctype html><html><body style="font-family:Helvetica,Arial,sans-serif;color:#222">',
        "<h1>Hello {{name}}</h1>",
        "<p>As a {{tier}} member since {{member_since}} you get first access to the autumn collection:",
        " forty new pieces, free returns for thirty days and a members' price on every one of them.</p>",
        '<p><a href="https://shop.example.com/autumn?utm_source=switchboard&amp;utm_medium=email">Shop the collection</a></p>',
        '<p><a href="https://shop.example.com/account">Your account</a> · <a href="https://shop.example.com/stores">Find a store</a></p>',
        '<p style="font-size:12px;color:#666">You receive this because you subscribed to our newsletter.',
        ' <a href="{{unsubscribe_url}}">Unsubscribe</a>.</p>',
        "</body></html>",
      ].join(""),
      text: "Hello {{name}},\n\nAs a {{tier}} member since {{member_since}} you get first access to the autumn collection: https://shop.example.com/autumn\n\nUnsubscribe: {{unsubscribe_url}}\n",
    }),
  });
  const smsTemplate = await createTemplate({
    ctx,
    input: templateCreate.parse({
      channel: "sms",
      name: "Bench reminder",
      category: "reminder",
      body: "Hi {{name}}, your {{tier}} reward is ready to collect this week. Reply STOP to opt out.",
    }),
  });

  // Contacts (untimed setup): COPY, then one list per measurement over the first n contacts.
  say(`loading ${fmt(contactsNeeded)} contacts with COPY…`);
  const loadStarted = performance.now();
  const zones = ["Europe/London", "America/New_York", "America/Los_Angeles", "Europe/Berlin"];
  const tiers = ["gold", "silver", "bronze"];
  async function* contactLines(): AsyncGenerator<string> {
    for (let i = 0; i < contactsNeeded; i += 5000) {
      let chunk = "";
      for (let j = i; j < Math.min(contactsNeeded, i + 5000); j++) {
        chunk += `${org.id}\tperson${j}@bench.example.com\t+1415${2_000_000 + j}\tPerson ${j}\t${zones[j % 4]}\ten-GB\t{"tier":"${tiers[j % 3]}","member_since":${2010 + (j % 15)}}\n`;
      }
      yield chunk;
    }
  }
  await pipeline(
    Readable.from(contactLines()),
    await raw`copy contacts (org_id, email, phone, name, timezone, locale, attributes) from stdin`.writable(),
  );
  async function makeList(name: string, n: number): Promise<string> {
    const [list] = await db.insert(schema.lists).values({ orgId: org.id, name }).returning();
    if (!list) throw new Error("no list");
    await raw`
      insert into list_members (list_id, contact_id, org_id)
      select ${list.id}, id, org_id from contacts where org_id = ${org.id} order by id limit ${n}`;
    return list.id;
  }
  const emailList = await makeList("Bench email", sizes.email);
  const smsList = await makeList("Bench SMS", sizes.sms);
  const freezeList = await makeList("Bench freeze", sizes.freeze);
  await raw`vacuum analyze contacts`;
  await raw`vacuum analyze list_members`;
  say(`contacts and lists ready in ${secs(performance.now() - loadStarted)}`);

  /** Creates and launches a campaign; a fresh worker freezes and sends it; VmHWM is that worker's peak. */
  async function runCampaign(opts: {
    label: string;
    channel: "email" | "sms";
    listId: string;
    templateId: string;
    category: string;
    recipients: number;
    sink: Sink;
    /** Pause this long after the freeze instead of waiting for completion. */
    pauseAfterFrozenSeconds?: number;
  }): Promise<CampaignRun> {
    const campaign = await createCampaign({
      ctx,
      input: campaignCreate.parse({
        name: opts.label,
        channel: opts.channel,
        template_id: opts.templateId,
        category: opts.category,
        audience: { list_ids: [opts.listId] },
      }),
    });
    await checkpoint(raw);
    const worker = await startWorker(childEnv);
    // The runner loads every job function after it says it is running: let that finish
    // so the launch is not timed against module loading.
    await waitUntilIdle(worker.pid);
    const sinkBefore = opts.sink.count();
    // A safety net only: assumes at least 20 msg/s (BENCH_TIMEOUT_SECONDS overrides).
    const timeoutMs = (timeoutOverride ?? 600 + Math.ceil(opts.recipients / 20)) * 1000;
    say(`${opts.label}: worker ${worker.pid} ready; launching ${fmt(opts.recipients)} recipients`);

    const inserted = async () => {
      const [r] = await raw<{ n: string | null }[]>`
        select n_tup_ins::text as n from pg_stat_user_tables where relname = 'messages'`;
      return Number(r?.n ?? 0);
    };
    const insertedBefore = await inserted();
    const started = performance.now();
    await launchCampaign({ ctx, id: campaign.id });
    let frozenAt: number | null = null;
    let endedAt: number | null = null;
    let stoppedBy: CampaignRun["stoppedBy"] = "completed";
    let lastReport = started;
    let lastCount = 0;
    for (;;) {
      await sleep(100);
      const now = performance.now();
      const [c] = await raw<{ status: string; targeted: number }[]>`
        select status, targeted from campaigns where id = ${campaign.id}`;
      if (!c) throw new Error("the campaign disappeared");
      if (frozenAt === null && c.targeted > 0) {
        frozenAt = now;
        say(`${opts.label}: audience frozen: ${fmt(c.targeted)} message rows in ${secs(frozenAt - started)}`);
      }
      if (c.status === "completed" || c.status === "cancelled" || c.status === "paused") {
        endedAt = now;
        stoppedBy = c.status === "completed" ? "completed" : "paused";
        break;
      }
      if (worker.child.exitCode !== null)
        throw new Error(`${opts.label}: the worker exited (${worker.child.exitCode})`);
      if (now - started > timeoutMs) throw new Error(`${opts.label}: not finished after ${secs(timeoutMs)}`);
      if (
        opts.pauseAfterFrozenSeconds !== undefined &&
        frozenAt !== null &&
        now - frozenAt >= opts.pauseAfterFrozenSeconds * 1000
      ) {
        await pauseCampaign({ ctx, id: campaign.id });
        endedAt = performance.now();
        stoppedBy = "paused";
        say(`${opts.label}: paused after ${opts.pauseAfterFrozenSeconds} s of sending`);
        // Let the in-flight group finish: the sink count stops moving.
        let prev = -1;
        for (let i = 0; i < 50 && opts.sink.count() !== prev; i++) {
          prev = opts.sink.count();
          await sleep(300);
        }
        break;
      }
      if (now - lastReport >= 5000) {
        const delivered = opts.sink.count() - sinkBefore;
        const rss = procStatusBytes(worker.pid, "VmRSS");
        const where =
          frozenAt === null
            ? `freezing · ~${fmt((await inserted()) - insertedBefore)}/${fmt(opts.recipients)} rows (pg_stat)`
            : `sending · ${fmt(delivered)}/${fmt(opts.recipients)} at the sink · ${fmt(((delivered - lastCount) * 1000) / (now - lastReport))} msg/s`;
        say(`${opts.label}: ${where} · worker RSS ${rss ? mb(rss) : "?"}`);
        lastReport = now;
        lastCount = delivered;
      }
    }
    const peakRssBytes = procStatusBytes(worker.pid, "VmHWM");
    await stopChild(worker);
    const statusRows = await raw<{ status: string; n: number }[]>`
      select status::text as status, count(*)::int as n from messages where campaign_id = ${campaign.id} group by 1`;
    const statuses = Object.fromEntries(statusRows.map((r) => [r.status, r.n]));
    const end = endedAt ?? performance.now();
    const run: CampaignRun = {
      campaignId: campaign.id,
      recipients: opts.recipients,
      launchToFrozenMs: (frozenAt ?? end) - started,
      launchToEndMs: end - started,
      sent: statuses.sent ?? 0,
      statuses,
      sinkReceived: opts.sink.count() - sinkBefore,
      peakRssBytes,
      stoppedBy,
    };
    say(
      `${opts.label}: ${run.stoppedBy} in ${secs(run.launchToEndMs)} · statuses ${JSON.stringify(statuses)} · ` +
        `sink received ${fmt(run.sinkReceived)} · worker peak RSS ${peakRssBytes ? mb(peakRssBytes) : "?"}`,
    );
    if (stoppedBy === "completed" && (run.sent !== opts.recipients || run.sinkReceived !== opts.recipients)) {
      console.warn(
        `WARNING: ${opts.label}: expected ${opts.recipients} sent and received, got ${run.sent} / ${run.sinkReceived}`,
      );
    }
    return run;
  }

  const rows: Row[] = [];
  const ceilingBase = { concurrency: CAMPAIGN_CONCURRENCY, accountSid, authToken, baseUrl: twilio.url };

  // 1. Email
  const email = await runCampaign({
    label: "email campaign",
    channel: "email",
    listId: emailList,
    templateId: emailTemplate.id,
    category: "marketing",
    recipients: sizes.email,
    sink: smtpSink,
  });
  say(
    `email ceiling: ${fmt(sizes.email)} pre-rendered messages, nodemailer pool of ${SMTP_POOL_CONNECTIONS}${CEILING_NODELAY ? " (TCP_NODELAY)" : ""}, ${CAMPAIGN_CONCURRENCY} in flight…`,
  );
  const emailSinkBefore = smtpSink.count();
  const emailCeiling = await runCeiling(
    {
      ...ceilingBase,
      kind: "email",
      campaignId: email.campaignId,
      providerId: smtpProvider.id,
      n: sizes.email,
      port: smtpSink.port,
    },
    childEnv,
  );
  const emailCeilingReceived = smtpSink.count() - emailSinkBefore;
  const emailRate = (email.sent * 1000) / email.launchToEndMs;
  const emailCeilingRate = (emailCeiling.sent * 1000) / emailCeiling.ms;
  const emailRatio = emailRate / emailCeilingRate;
  say(
    `email: app ${fmt(emailRate)} msg/s, ceiling ${fmt(emailCeilingRate)} msg/s, ratio ${emailRatio.toFixed(2)}`,
  );
  rows.push({
    key: "email",
    measure: `email campaign, ${fmt(sizes.email)} recipients (launch → completed)`,
    value: `${fmt(emailRate)} msg/s`,
    ceiling: `${fmt(emailCeilingRate)} msg/s`,
    ratio: emailRatio,
    target: "≥ 0.8 × ceiling",
    met: emailRatio >= 0.8,
    data: {
      recipients: sizes.email,
      messages_per_second: emailRate,
      ceiling_messages_per_second: emailCeilingRate,
      launch_to_completed_ms: email.launchToEndMs,
      freeze_ms: email.launchToFrozenMs,
      send_phase_messages_per_second: (email.sent * 1000) / (email.launchToEndMs - email.launchToFrozenMs),
      ceiling_ms: emailCeiling.ms,
      ceiling_tcp_nodelay: CEILING_NODELAY,
      ceiling_failed: emailCeiling.failed,
      ceiling_first_error: emailCeiling.firstError,
      sink_received: email.sinkReceived,
      ceiling_sink_received: emailCeilingReceived,
      statuses: email.statuses,
      worker_peak_rss_bytes: email.peakRssBytes,
    },
  });
  rows.push({
    key: "email_freeze",
    measure: `  of which audience freeze (${fmt(sizes.email)})`,
    value: secs(email.launchToFrozenMs),
    ceiling: "–",
    ratio: null,
    target: "–",
    met: null,
    data: { freeze_ms: email.launchToFrozenMs },
  });

  // 2. SMS
  const sms = await runCampaign({
    label: "SMS campaign",
    channel: "sms",
    listId: smsList,
    templateId: smsTemplate.id,
    category: "reminder",
    recipients: sizes.sms,
    sink: twilio,
  });
  say(`SMS ceiling: ${fmt(sizes.sms)} POSTs with fetch(), ${CAMPAIGN_CONCURRENCY} in flight…`);
  const smsSinkBefore = twilio.count();
  const smsCeiling = await runCeiling(
    {
      ...ceilingBase,
      kind: "sms",
      campaignId: sms.campaignId,
      providerId: twilioProvider.id,
      n: sizes.sms,
      port: twilio.port,
    },
    childEnv,
  );
  const smsCeilingReceived = twilio.count() - smsSinkBefore;
  const smsRate = (sms.sent * 1000) / sms.launchToEndMs;
  const smsCeilingRate = (smsCeiling.sent * 1000) / smsCeiling.ms;
  const smsRatio = smsRate / smsCeilingRate;
  say(`SMS: app ${fmt(smsRate)} msg/s, ceiling ${fmt(smsCeilingRate)} msg/s, ratio ${smsRatio.toFixed(2)}`);
  rows.push({
    key: "sms",
    measure: `SMS campaign, ${fmt(sizes.sms)} recipients (launch → completed)`,
    value: `${fmt(smsRate)} msg/s`,
    ceiling: `${fmt(smsCeilingRate)} msg/s`,
    ratio: smsRatio,
    target: "≥ 0.7 × ceiling",
    met: smsRatio >= 0.7,
    data: {
      recipients: sizes.sms,
      messages_per_second: smsRate,
      ceiling_messages_per_second: smsCeilingRate,
      launch_to_completed_ms: sms.launchToEndMs,
      freeze_ms: sms.launchToFrozenMs,
      send_phase_messages_per_second: (sms.sent * 1000) / (sms.launchToEndMs - sms.launchToFrozenMs),
      ceiling_ms: smsCeiling.ms,
      ceiling_failed: smsCeiling.failed,
      ceiling_first_error: smsCeiling.firstError,
      sink_received: sms.sinkReceived,
      ceiling_sink_received: smsCeilingReceived,
      statuses: sms.statuses,
      worker_peak_rss_bytes: sms.peakRssBytes,
    },
  });
  rows.push({
    key: "sms_freeze",
    measure: `  of which audience freeze (${fmt(sizes.sms)})`,
    value: secs(sms.launchToFrozenMs),
    ceiling: "–",
    ratio: null,
    target: "–",
    met: null,
    data: { freeze_ms: sms.launchToFrozenMs },
  });

  // 3. Freeze of the large audience (an email campaign, like measurement 1), then a
  // short send phase so the large run's peak RSS covers sending too, then paused.
  const big = await runCampaign({
    label: "freeze campaign",
    channel: "email",
    listId: freezeList,
    templateId: emailTemplate.id,
    category: "marketing",
    recipients: sizes.freeze,
    sink: smtpSink,
    pauseAfterFrozenSeconds: rssSendSeconds,
  });
  const frozenRows = Object.values(big.statuses).reduce((a, b) => a + b, 0);
  say("raw COPY ceiling: dumping the frozen rows to a file (untimed)…");
  const dump = path.join(dataDir, "frozen-messages.copy");
  if (!/^[0-9a-f-]{36}$/.test(big.campaignId)) throw new Error("unexpected campaign id");
  // COPY takes no bind parameters, so the id is inlined (checked above). On a connection of
  // its own, closed afterwards: postgres.js may lose the reply to the next query sent on a
  // connection right after a COPY … TO STDOUT stream ends.
  const dumper = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await pipeline(
      await dumper`copy (select * from messages where campaign_id = ${dumper.unsafe(`'${big.campaignId}'`)}) to stdout`.readable(),
      createWriteStream(dump),
    );
  } finally {
    await dumper.end({ timeout: 2 });
  }
  // Same columns, defaults, constraints and indexes as messages, and the same foreign keys.
  await raw`drop table if exists bench_copy_messages`;
  await raw`create table bench_copy_messages (like messages including all)`;
  onCleanup("drop scratch table", async () => {
    await raw`drop table if exists bench_copy_messages`;
  });
  const fks = await raw<{ name: string; def: string }[]>`
    select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid = 'messages'::regclass and contype = 'f'`;
  for (const fk of fks)
    await raw.unsafe(`alter table bench_copy_messages add constraint "bench_${fk.name}" ${fk.def}`);
  await checkpoint(raw);
  say(`raw COPY ceiling: streaming ${fmt(frozenRows)} rows into bench_copy_messages…`);
  const copyStarted = performance.now();
  await pipeline(
    createReadStream(dump, { highWaterMark: 1 << 20 }),
    await raw`copy bench_copy_messages from stdin`.writable(),
  );
  const copyMs = performance.now() - copyStarted;
  const [copied] = await raw<{ n: number }[]>`select count(*)::int as n from bench_copy_messages`;
  await raw`drop table bench_copy_messages`;
  rmSync(dump, { force: true });
  const freezeRate = (frozenRows * 1000) / big.launchToFrozenMs;
  const copyRate = ((copied?.n ?? 0) * 1000) / copyMs;
  const freezeRatio = freezeRate / copyRate;
  say(
    `freeze: ${secs(big.launchToFrozenMs)} (${fmt(freezeRate)} rows/s); raw COPY ${secs(copyMs)} (${fmt(copyRate)} rows/s); ratio ${freezeRatio.toFixed(2)}`,
  );
  rows.push({
    key: "freeze",
    measure: `audience freeze, ${fmt(sizes.freeze)} contacts → message rows`,
    value: `${secs(big.launchToFrozenMs)} (${fmt(freezeRate)} rows/s)`,
    ceiling: `${secs(copyMs)} (${fmt(copyRate)} rows/s)`,
    ratio: freezeRatio,
    target: "≥ 0.5 × raw COPY",
    met: freezeRatio >= 0.5,
    data: {
      contacts: sizes.freeze,
      message_rows: frozenRows,
      freeze_ms: big.launchToFrozenMs,
      freeze_rows_per_second: freezeRate,
      copy_ms: copyMs,
      copy_rows: copied?.n ?? 0,
      copy_rows_per_second: copyRate,
      statuses: big.statuses,
    },
  });

  // 4. Peak RSS of the app (worker) process
  const rssSmall = email.peakRssBytes ?? Number.NaN;
  const rssLarge = big.peakRssBytes ?? Number.NaN;
  const rssRatio = rssLarge / rssSmall;
  rows.push({
    key: "rss",
    measure: `peak RSS of the worker, ${fmt(sizes.freeze)} vs ${fmt(sizes.email)} recipients`,
    value: mb(rssLarge),
    ceiling: `${mb(rssSmall)} (at ${fmt(sizes.email)})`,
    ratio: rssRatio,
    target: "≤ 1.1 × and < 250 MB",
    met: rssRatio <= 1.1 && rssLarge < 250 * 1024 * 1024,
    data: {
      small_recipients: sizes.email,
      small_peak_rss_bytes: rssSmall,
      small_run: "email campaign: freeze + send to completion",
      large_recipients: sizes.freeze,
      large_peak_rss_bytes: rssLarge,
      large_run: `email campaign: freeze + ${rssSendSeconds} s of sending, then paused`,
      large_sent_before_pause: big.sinkReceived,
      sms_peak_rss_bytes: sms.peakRssBytes,
    },
  });
  rows.push({
    key: "rss_sms",
    measure: `  peak RSS of the worker, SMS campaign ${fmt(sizes.sms)}`,
    value: sms.peakRssBytes ? mb(sms.peakRssBytes) : "?",
    ceiling: "–",
    ratio: null,
    target: "–",
    met: null,
    data: { peak_rss_bytes: sms.peakRssBytes },
  });

  // Table and JSON
  const header = ["measure", "value", "ceiling", "ratio", "target", "met?"];
  const cells = rows.map((r) => [
    r.measure,
    r.value,
    r.ceiling,
    r.ratio === null ? "–" : r.ratio.toFixed(2),
    r.target,
    r.met === null ? "" : r.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(" │ ");
  console.log(
    `\n${line(header)}\n${widths.map((w) => "─".repeat(w)).join("─┼─")}\n${cells.map(line).join("\n")}\n`,
  );

  const results = {
    generated_at: new Date().toISOString(),
    command: "npm run bench:campaign",
    sizes: { ...sizes, rss_send_seconds: rssSendSeconds },
    environment: {
      node: process.version,
      postgres: pgVersion?.v ?? null,
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? null,
      memory_bytes: os.totalmem(),
      platform: `${os.platform()} ${os.release()}`,
      runner:
        "one `node scripts/launch.mjs worker` process (npm run worker, compiled) per campaign (embedded job runner); launchCampaign in the benchmark process",
      campaign_concurrency: CAMPAIGN_CONCURRENCY,
      smtp_pool_connections: SMTP_POOL_CONNECTIONS,
      email_ceiling_tcp_nodelay: CEILING_NODELAY,
    },
    results: rows.map((r) => ({ ...r })),
    notes: [
      "Campaign rates are messages sent divided by the time from just before the launchCampaign call until the benchmark saw status `completed` (polled every 100 ms); they include the audience freeze and the worker's job pickup (≤ 250 ms poll).",
      "Freeze time is from the launch call until the campaign's `targeted` count was written (the end of freezeAudience), polled every 100 ms; it includes the job pickup. The freeze also writes one message_events row per message, which the raw COPY ceiling does not.",
      "The COPY ceiling streams the very rows the freeze produced (dumped to a file beforehand, untimed) into a table created LIKE messages INCLUDING ALL plus the same foreign keys.",
      "Ceilings run in a child process with the same concurrency as a campaign (a sliding window of CAMPAIGN_CONCURRENCY sends); the email ceiling uses a nodemailer pool of 5 connections like the SMTP adapter, the SMS ceiling the global fetch().",
      "The email ceiling's sockets set TCP_NODELAY (BENCH_CEILING_NODELAY=0 turns it off): nodemailer's own sockets keep Nagle's algorithm on, which with Linux's 40 ms delayed ACK caps a stock pool of 5 connections near 100 msg/s on loopback — and the app's SMTP adapter with it, unless it sets TCP_NODELAY too.",
      "Ceiling messages are the campaign's first 1,000 frozen rows cycled (same content and sizes), prepared before the clock starts.",
      "Peak RSS is VmHWM of the worker process (node with the tsx loader) that ran the campaign; the large run freezes the whole audience, sends for BENCH_RSS_SEND_SECONDS and is paused, since sending memory is per batch and flat.",
      "The SMS campaign uses category `reminder` so that marketing quiet hours (clock-dependent) do not defer it.",
    ],
  };
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  say(`results written to ${outFile.startsWith(`${ROOT}/`) ? path.relative(ROOT, outFile) : outFile}`);
}

// ---------------------------------------------------------------------------

const mode = process.argv[2];
if (mode === "ceiling-email" || mode === "ceiling-sms") {
  ceilingChild(mode === "ceiling-email" ? "email" : "sms").then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up…`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
  main()
    .then(
      () => 0,
      (e) => {
        console.error("benchmark failed:", e instanceof Error ? (e.stack ?? e.message) : e);
        return 1;
      },
    )
    .then(async (code) => {
      await runCleanups();
      process.exit(code);
    });
}
