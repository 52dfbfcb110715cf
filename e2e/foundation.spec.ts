import { readFileSync } from "node:fs";
import { cli, createAccount, expect, test } from "./fixtures";
import { ApiKeysPage } from "./pages/api-keys-page";
import { AuditPage } from "./pages/audit-page";
import { LoginPage } from "./pages/login-page";
import { MembersPage } from "./pages/members-page";

test("the demo admin printed at start signs in", async ({ page }) => {
  const creds = JSON.parse(readFileSync(".e2e-data/demo-admin.json", "utf8")) as {
    email: string;
    password: string;
  };
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(creds.email, creds.password);
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByTestId("org-name")).toHaveText("Demo Organisation");
});

test("wrong passwords are refused and empty fields are named", async ({ page, account }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn("", "");
  await expect(page.getByTestId("error-email")).toBeVisible();
  await expect(page.getByTestId("error-password")).toBeVisible();
  await login.signIn(account.email, "not the password");
  await expect(login.error()).toHaveText(/incorrect/);
  await expect(page).toHaveURL(/\/login/);
});

test("create an API key, use it, revoke it, and see it all in the audit log", async ({
  page,
  signedIn,
  request,
}) => {
  const keys = new ApiKeysPage(page);
  await keys.goto();
  await expect(page.getByTestId("api-keys-table").or(page.getByTestId("empty-state"))).toBeVisible();
  const key = await keys.create("Reporting job", "manager");
  expect(key).toMatch(/^sb_/);
  // The list shows only the prefix, never the key.
  await expect(page.locator("body")).not.toContainText(key);

  const res = await request.get("/api/v1/audit-logs", { headers: { authorization: `Bearer ${key}` } });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.data[0]).toMatchObject({ action: "api_key.created", actor_label: signedIn.email });

  await keys.revoke("Reporting job");
  const after = await request.get("/api/v1/audit-logs", { headers: { authorization: `Bearer ${key}` } });
  expect(after.status()).toBe(401);

  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows("api_key.created")).toHaveCount(1);
  await expect(audit.rows("api_key.revoked")).toHaveCount(1);
  await expect(audit.rows("api_key.created")).toContainText(signedIn.email);
});

test("a staff member cannot open settings → API keys nor the audit log", async ({ page }) => {
  const staff = await createAccount("staff");
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(staff.email, staff.password);
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByTestId("nav-audit")).toHaveCount(0);
  await page.goto("/settings/api-keys");
  await expect(page.getByTestId("forbidden")).toBeVisible();
  await expect(page.getByTestId("create-api-key")).toHaveCount(0);
  await page.goto("/audit");
  await expect(page.getByTestId("forbidden")).toBeVisible();
  // The API refuses the session as well.
  const res = await page.request.get("/api/v1/api-keys");
  expect(res.status()).toBe(403);
});

test("an admin adds a user, changes the role and removes them", async ({ page, signedIn }) => {
  const members = new MembersPage(page);
  await members.goto();
  await expect(members.row(signedIn.email)).toBeVisible();

  // Field-level errors come from the same schema the API uses.
  await members.add({ email: "not-an-email", role: "staff" });
  await expect(page.getByTestId("error-email")).toBeVisible();
  await page.keyboard.press("Escape");

  const email = `new-${Date.now()}@example.test`;
  await members.add({ email, role: "staff", password: "a-long-password-1", name: "New Person" });
  await expect(members.row(email)).toContainText("New Person");
  await members.changeRole(email, "manager");
  await expect(page.getByText("Role changed")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId(`role-${email}`)).toHaveValue("manager");
  await members.remove(email);
  await expect(members.row(email)).toHaveCount(0);

  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows("member.added")).toHaveCount(1);
  await expect(audit.rows("member.role_changed")).toContainText("manager");
  await expect(audit.rows("member.removed")).toHaveCount(1);
});

test("a user of two organisations switches between them", async ({ page, signedIn }) => {
  const other = `E2E Second ${Date.now()}`;
  await cli(
    "user:create",
    "--email",
    signedIn.email,
    "--password",
    signedIn.password,
    "--org",
    other,
    "--role",
    "staff",
  );
  await page.reload();
  const switcher = page.getByTestId("org-switcher");
  await expect(switcher).toBeVisible();
  await switcher.selectOption({ label: `${other} (staff)` });
  await expect(page.getByTestId("current-role")).toHaveText("staff");
  await expect(page.getByTestId("nav-audit")).toHaveCount(0);
  await switcher.selectOption({ label: `${signedIn.org} (admin)` });
  await expect(page.getByTestId("current-role")).toHaveText("admin");
});

test("sign out ends the session", async ({ page, signedIn }) => {
  expect(signedIn.email).toBeTruthy();
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login/);
});

test("sign-in attempts past the limit answer 429 with Retry-After", async ({ request, account }) => {
  const csrf = (await (await request.get("/api/auth/csrf")).json()).csrfToken as string;
  const attempt = () =>
    request.post("/api/auth/callback/credentials", {
      form: { email: account.email, password: "wrong-password", csrfToken: csrf },
      maxRedirects: 0,
    });
  for (let i = 0; i < 10; i++) expect((await attempt()).status()).toBe(302);
  const limited = await attempt();
  expect(limited.status()).toBe(429);
  expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await limited.json()).error.code).toBe("rate_limited");
});

test("pages and the API carry the security headers, and the console runs under its CSP", async ({
  page,
  signedIn,
  request,
}) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|frame)/i.test(m.text()))
      violations.push(m.text());
  });
  const expectSecurityHeaders = (headers: Record<string, string>, what: string) => {
    expect(headers["content-security-policy"], what).toContain("frame-ancestors 'none'");
    expect(headers["x-frame-options"], what).toBe("DENY");
    expect(headers["x-content-type-options"], what).toBe("nosniff");
    expect(headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
  };
  const dashboard = await page.goto("/dashboard");
  expectSecurityHeaders(dashboard?.headers() ?? {}, "GET /dashboard");
  await expect(page.getByTestId("org-name")).toBeVisible();
  // Client navigation works, i.e. Next's scripts ran under the policy.
  await page.goto("/outbox");
  await page.goto("/messages");
  const api = await request.get("/api/v1/audit-logs");
  expectSecurityHeaders(api.headers(), "GET /api/v1/audit-logs");
  const pixel = await request.get("/t/o/not-a-token");
  expect(pixel.headers()["content-type"]).toBe("image/gif");
  const session = (await page.context().cookies()).find((c) => c.name.endsWith("authjs.session-token"));
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  expect(violations, violations.join("\n")).toEqual([]);
  expect(signedIn.email).toBeTruthy();
});
