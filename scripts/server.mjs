// The production HTTP server (`npm start` runs it through scripts/start.ts):
// Next.js behind a plain node:http server. Next 16 route handlers cannot see the
// TCP socket, so the peer address is written into a request header here, after
// any copy the client sent has been removed, and lib/auth/ip.ts reads it.
// Plain JavaScript so that Node runs it without a TypeScript loader.
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const SOCKET_ADDRESS_HEADER = "x-switchboard-socket-address";
/** Must match SOCKET_ADDRESS_HEADER_ENV in lib/auth/ip.ts. */
export const SOCKET_ADDRESS_HEADER_ENV = "SWITCHBOARD_SOCKET_ADDRESS_HEADER";

/**
 * Replaces any client-sent socket-address header with the real peer address.
 * @param {import("node:http").IncomingMessage} req
 */
export function stampSocketAddress(req) {
  delete req.headers[SOCKET_ADDRESS_HEADER];
  const raw = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() !== SOCKET_ADDRESS_HEADER)
      raw.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
  const peer = req.socket.remoteAddress;
  if (peer) {
    req.headers[SOCKET_ADDRESS_HEADER] = peer;
    req.rawHeaders.push(SOCKET_ADDRESS_HEADER, peer);
  }
}

/**
 * An HTTP server that stamps the peer address on each request and hands it to `handle`.
 * @param {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => Promise<void>} handle
 */
export function createAppServer(handle) {
  process.env[SOCKET_ADDRESS_HEADER_ENV] = SOCKET_ADDRESS_HEADER;
  return createServer((req, res) => {
    stampSocketAddress(req);
    handle(req, res).catch((error) => {
      console.error("request failed", error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
}

async function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const port = Number(process.env.PORT ?? 3000);
  process.env.NODE_ENV ??= "production"; // as `next start` does
  process.env[SOCKET_ADDRESS_HEADER_ENV] = SOCKET_ADDRESS_HEADER;
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: root, port });
  await app.prepare();
  const server = createAppServer(app.getRequestHandler());
  const upgrade = app.getUpgradeHandler();
  server.on("upgrade", (req, socket, head) => {
    stampSocketAddress(req);
    upgrade(req, socket, head).catch(() => socket.destroy());
  });
  server.listen(port, () => console.log(`▲ Next.js ready on port ${port}`));
  let closing = false;
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      server.close();
      server.closeIdleConnections();
      app.close().finally(() => process.exit(0));
    });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
