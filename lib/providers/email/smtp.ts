import { isIP, type Socket, connect as tcpConnect } from "node:net";
import { getSystemErrorName } from "node:util";
import nodemailer, { type Transporter } from "nodemailer";
import { z } from "zod";
import { config } from "@/lib/config";
import { EgressRefused, resolveAllowed } from "@/lib/net/egress";
import { type EmailAdapter, type EmailMessage, ProviderError } from "../types";

export const smtpConfig = z.object({
  host: z.string().trim().min(1, "is required"),
  port: z.coerce.number().int().min(1, "must be a port number").max(65535, "must be a port number"),
  tls_mode: z.enum(["starttls", "tls", "none"]).default("starttls"),
  /** Pooled connections to this server (default 5). */
  max_connections: z.coerce
    .number()
    .int()
    .min(1, "must be at least 1")
    .max(100, "must be at most 100")
    .optional(),
  /** Sends handed to this provider at once by a delivery group (default: the group's own bound). */
  max_in_flight: z.coerce
    .number()
    .int()
    .min(1, "must be at least 1")
    .max(1000, "must be at most 1000")
    .optional(),
});
export const smtpCredentials = z.object({
  user: z.string().optional(),
  password: z.string().optional(),
});
export type SmtpConfig = z.infer<typeof smtpConfig>;
export type SmtpCredentials = z.infer<typeof smtpCredentials>;

const DEFAULT_MAX_CONNECTIONS = 5;
const CONNECT_TIMEOUT_MS = 10_000;

type SocketCallback = (err: Error | null, socketOptions?: { connection: Socket } | false) => void;

/**
 * Opens the pool's TCP sockets ourselves, with TCP_NODELAY: nodemailer never
 * turns Nagle's algorithm off, and with the receiver's delayed ACK (40 ms on
 * Linux) the end of every message stalls, capping a pool of 5 near 100 msg/s.
 *
 * Why the provider-outage test hung when this was first tried: an error given
 * to getSocket's callback fails that one message, but nodemailer's pool never
 * removes the connection slot (only an error from its own SMTP connection
 * does). Against a dead server every slot fills with such a dead resource and
 * every later send waits for ever. So a socket that cannot be opened is never
 * reported here: nodemailer is told to connect by itself (`false`), meets the
 * same refusal or timeout, and reports it through its own path, which frees
 * the slot. Likewise a server that closes a new connection before its
 * greeting (one shutting down) is turned into a socket error: nodemailer 8
 * takes that close for a clean end and its pool never calls back.
 * TLS (tls_mode `tls`) is still negotiated by nodemailer over this socket.
 */
function noDelaySocket(address: string, port: number) {
  return (_options: unknown, callback: SocketCallback) => {
    let settled = false;
    const socket = tcpConnect({ host: address, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy(Object.assign(new Error(`connect ETIMEDOUT ${address}:${port}`), { code: "ETIMEDOUT" }));
    }, CONNECT_TIMEOUT_MS);
    // Listeners added before nodemailer's run first.
    socket.once("end", () => {
      if (socket.bytesRead === 0) {
        socket.destroy(
          Object.assign(new Error("Connection closed before the server's greeting"), { code: "ECONNECTION" }),
        );
      }
    });
    socket.once("error", () => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      callback(null, false);
    });
    socket.once("connect", () => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      socket.setNoDelay(true);
      callback(null, { connection: socket });
    });
  };
}

// Pooled transports per distinct server and login, reused across sends, with
// the address they were opened for (a host that now resolves elsewhere gets a
// new transport, checked like the first).
// A transport is closed only once no send is using it: nodemailer's pool drops a
// message handed to it after close() without ever calling back, and sendMail
// reaches the pool a few ticks after it is called, so closing under a running
// campaign (shutdown, a host that moved, the outage tests) hung those sends.
interface Pooled {
  address: string;
  transport: Transporter;
  inFlight: number;
  retired: boolean;
}
const transports = new Map<string, Pooled>();

function retire(pooled: Pooled): void {
  pooled.retired = true;
  if (pooled.inFlight === 0) pooled.transport.close();
}

// Resolved and checked SMTP hosts, briefly, so a campaign does not look its server up per message.
const RESOLVE_TTL_MS = 60_000;
const resolved = new Map<string, { address: string; expires: number; allowPrivate: boolean }>();

/** The host's address, resolved and checked against the egress policy; EgressRefused otherwise. */
async function checkedAddress(host: string): Promise<string> {
  const allowPrivate = config().egressAllowPrivate;
  const hit = resolved.get(host);
  if (hit && hit.expires > Date.now() && hit.allowPrivate === allowPrivate) return hit.address;
  const [first] = await resolveAllowed(host, { allowPrivate });
  if (!first) throw new ProviderError(`SMTP host ${host} has no address`, true);
  resolved.set(host, { address: first.address, expires: Date.now() + RESOLVE_TTL_MS, allowPrivate });
  return first.address;
}

/**
 * The transport connects to the checked address, never to the name (which
 * might resolve elsewhere by then); TLS still verifies the certificate
 * against the configured name, sent as SNI.
 */
async function transportFor(config: SmtpConfig, credentials: SmtpCredentials): Promise<Pooled> {
  const address = await checkedAddress(config.host);
  const maxConnections = config.max_connections ?? DEFAULT_MAX_CONNECTIONS;
  const key = JSON.stringify([
    config.host,
    config.port,
    config.tls_mode,
    maxConnections,
    credentials.user,
    credentials.password,
  ]);
  const pooled = transports.get(key);
  if (pooled?.address === address) return pooled;
  if (pooled) retire(pooled);
  const local = config.host === "127.0.0.1" || config.host === "localhost";
  const servername = isIP(config.host) ? undefined : config.host;
  const transport = nodemailer.createTransport({
    host: address,
    port: config.port,
    secure: config.tls_mode === "tls",
    requireTLS: config.tls_mode === "starttls",
    ignoreTLS: config.tls_mode === "none",
    auth: credentials.user ? { user: credentials.user, pass: credentials.password ?? "" } : undefined,
    pool: true,
    maxConnections,
    getSocket: noDelaySocket(address, config.port),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // nodemailer sends tls.servername as SNI and Node checks the certificate against it.
    tls: { rejectUnauthorized: !local, servername },
  });
  const fresh: Pooled = { address, transport, inFlight: 0, retired: false };
  transports.set(key, fresh);
  return fresh;
}

/** Drops pooled connections (tests, shutdown). */
export function closeSmtpTransports(): void {
  for (const t of transports.values()) retire(t);
  transports.clear();
  resolved.clear();
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  errno?: number;
  response?: string;
}

/**
 * Connection and auth trouble, and 4xx replies, may succeed elsewhere; 5xx
 * replies about the message will not. The message names the reply code and
 * nodemailer's error code, not the server's text: the host may be any
 * service that happens to answer on that port.
 */
function classify(e: SmtpError): ProviderError {
  const code = e.code && /^[A-Z]{1,20}$/.test(e.code) ? e.code : undefined;
  if (e.responseCode) {
    const permanent = e.responseCode >= 500 && e.responseCode !== 530 && e.responseCode !== 535;
    return new ProviderError(
      `SMTP ${e.responseCode}${code ? ` (${code})` : ""}`,
      !permanent,
      e.responseCode,
      code,
    );
  }
  // A socket error keeps the system's errno (ECONNREFUSED…) under nodemailer's own code.
  const system = typeof e.errno === "number" && e.errno < 0 ? ` (${getSystemErrorName(e.errno)})` : "";
  return new ProviderError(`SMTP ${code ?? "error"}${system}`, true, undefined, code);
}

export function toNodemailerMessage(message: EmailMessage) {
  return {
    messageId: message.messageIdHeader,
    from: message.from.name ? { name: message.from.name, address: message.from.email } : message.from.email,
    to: message.to,
    cc: message.cc,
    bcc: message.bcc,
    subject: message.subject,
    html: message.html,
    text: message.text,
    headers: message.headers,
    attachments: message.attachments?.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
    })),
  };
}

export const smtpAdapter: EmailAdapter<SmtpConfig, SmtpCredentials> = {
  channel: "email",
  label: "SMTP",
  configSchema: smtpConfig,
  credentialsSchema: smtpCredentials,
  async send(ctx, message) {
    try {
      const pooled = await transportFor(ctx.config, ctx.credentials);
      pooled.inFlight++;
      let info: Awaited<ReturnType<Transporter["sendMail"]>>;
      try {
        info = await pooled.transport.sendMail(toNodemailerMessage(message));
      } finally {
        pooled.inFlight--;
        if (pooled.retired && pooled.inFlight === 0) pooled.transport.close();
      }
      if (info.rejected.length > 0 && info.accepted.length === 0) {
        throw new ProviderError("SMTP rejected every recipient", false);
      }
      return {
        providerMessageId: info.messageId,
        response: { response: info.response, accepted: info.accepted, rejected: info.rejected },
      };
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      // This provider's host is one it may not reach: another provider may still send.
      if (e instanceof EgressRefused) throw new ProviderError(e.message, true);
      throw classify(e as SmtpError);
    }
  },
};
