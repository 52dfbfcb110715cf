import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { config } from "@/lib/config";

// Embedded PGlite admits one process. While the server runs it owns the data
// directory, so the CLI hands its command to the server over loopback, with a
// token only readers of DATA_DIR know.

export interface ServerFile {
  pid: number;
  port: number;
  token: string;
}

const serverFile = () => path.join(config().dataDir, "server.json");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Called by the server at start: announces where the CLI can reach it. */
export function announceServer(port: number): void {
  const info: ServerFile = { pid: process.pid, port, token: randomBytes(32).toString("base64url") };
  writeFileSync(serverFile(), JSON.stringify(info), { mode: 0o600 });
  process.on("exit", () => {
    const current = readServerFile();
    if (current?.pid === process.pid) rmSync(serverFile(), { force: true });
  });
}

export function readServerFile(): ServerFile | null {
  if (!existsSync(serverFile())) return null;
  try {
    return JSON.parse(readFileSync(serverFile(), "utf8")) as ServerFile;
  } catch {
    return null;
  }
}

/** The running embedded server this CLI must go through, if any. */
export function runningServer(): ServerFile | null {
  if (config().databaseMode !== "pglite") return null;
  const info = readServerFile();
  if (!info || info.pid === process.pid || !alive(info.pid)) return null;
  return info;
}

/** True when the token is the one this server process announced. */
export function isServerToken(token: string | null): boolean {
  const info = readServerFile();
  if (!token || !info || info.pid !== process.pid) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(info.token);
  return a.length === b.length && timingSafeEqual(a, b);
}
