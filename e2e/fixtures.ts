import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { test as base, expect } from "@playwright/test";
import { LoginPage } from "./pages/login-page";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");

/** Runs `npm run cli` against the e2e server's data directory; the CLI goes through the running server. */
export async function cli(...args: string[]): Promise<string[]> {
  const { stdout } = await run(path.join(root, "node_modules", ".bin", "tsx"), ["lib/cli/main.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: ".e2e-data", DATABASE_URL: "", LOG_LEVEL: "warn" },
  });
  return stdout.trim().split("\n");
}

export interface Account {
  email: string;
  password: string;
  org: string;
  role: "admin" | "manager" | "staff";
}

export async function createAccount(role: Account["role"] = "admin", org?: string): Promise<Account> {
  const id = randomUUID().slice(0, 8);
  const account: Account = {
    email: `e2e-${role}-${id}@example.test`,
    password: `pw-${randomUUID()}`,
    org: org ?? `E2E Org ${id}`,
    role,
  };
  await cli(
    "user:create",
    "--email",
    account.email,
    "--password",
    account.password,
    "--org",
    account.org,
    "--role",
    role,
  );
  return account;
}

/** Each test signs in as a fresh admin of a fresh organisation. */
export const test = base.extend<{ account: Account; signedIn: Account }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a pattern
  account: async ({}, use) => {
    await use(await createAccount("admin"));
  },
  signedIn: async ({ page, account }, use) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.signIn(account.email, account.password);
    await expect(page).toHaveURL(/\/dashboard/);
    await use(account);
  },
});

export { expect };
