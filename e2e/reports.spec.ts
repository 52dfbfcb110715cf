import { createAccount, expect, test } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { ReportsPage } from "./pages/reports-page";

test("a manager downloads a PDF and a CSV report and schedules one", async ({ page, signedIn }) => {
  const manager = await createAccount("manager", signedIn.org);
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login/);
  await new LoginPage(page).signIn(manager.email, manager.password);
  await expect(page).toHaveURL(/\/dashboard/);

  const reports = new ReportsPage(page);
  await reports.goto();
  const pdf = await reports.download("summary", "pdf");
  expect(pdf.filename).toMatch(/^summary-report-.*\.pdf$/);
  expect(pdf.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  await expect(page.getByTestId("report-done")).toBeVisible();

  const csv = await reports.download("message", "csv", "7");
  expect(csv.filename).toMatch(/^message-report-.*\.csv$/);
  expect(csv.bytes.toString("utf8").split("\n")[0]).toMatch(/^id,created_at,channel/);

  await expect(page.getByTestId("schedules").getByTestId("empty-state")).toBeVisible();
  // A wrong address is named beside the field, in plain words, and nothing is saved.
  await reports.createSchedule({ type: "cost", format: "pdf", frequency: "weekly", recipients: "finance@" });
  await expect(page.getByTestId("error-recipients")).toContainText("finance@ is not an email address");
  await page.getByTestId("schedule-recipients").fill("finance@example.com");
  await page.getByTestId("schedule-save").click();
  await expect(page.getByTestId("schedules-table")).toContainText("finance@example.com");
  await expect(page.getByTestId("schedules-table")).toContainText("Not run yet");
});

test("staff see that reports are not theirs", async ({ page, signedIn }) => {
  const staff = await createAccount("staff", signedIn.org);
  await page.getByTestId("sign-out").click();
  await new LoginPage(page).signIn(staff.email, staff.password);
  await expect(page).toHaveURL(/\/dashboard/);
  await page.goto("/reports");
  await expect(page.getByTestId("forbidden")).toBeVisible();
});
