import { ConfigError } from "@/lib/config";
import { closeDb } from "@/lib/db";
import { runningServer } from "./bridge";
import { type CliResult, runCommand } from "./commands";

async function viaServer(argv: string[]): Promise<CliResult | null> {
  const server = runningServer();
  if (!server) return null;
  const res = await fetch(`http://127.0.0.1:${server.port}/api/internal/cli`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-switchboard-cli-token": server.token },
    body: JSON.stringify({ argv }),
  }).catch((e: unknown) => {
    throw new Error(
      `The Switchboard server (pid ${server.pid}) owns the embedded database but does not answer on port ${server.port}: ${String(e)}`,
    );
  });
  if (!res.ok) throw new Error(`The running server refused the command (HTTP ${res.status})`);
  return (await res.json()) as CliResult;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const result = (await viaServer(argv)) ?? (await runCommand(argv));
  for (const line of result.lines) (result.code === 0 ? console.log : console.error)(line);
  return result.code;
}

main()
  .then(async (code) => {
    await closeDb();
    process.exit(code);
  })
  .catch(async (e: unknown) => {
    console.error(
      e instanceof ConfigError ? e.message : `Error: ${e instanceof Error ? e.message : String(e)}`,
    );
    await closeDb().catch(() => {});
    process.exit(1);
  });
