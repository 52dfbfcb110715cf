import { createAccount, expect, test } from "./fixtures";
import { CostsPage } from "./pages/costs-page";
import { LoginPage } from "./pages/login-page";

// Written without a browser run here (no Playwright on the build machine): the lead runs it.

test("a manager opens /costs, sees the charts' empty states and creates a budget", async ({ page }) => {
  const manager = await createAccount("manager");
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(manager.email, manager.password);
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByTestId("chart-volume")).toBeVisible();
  const costs = new CostsPage(page);
  await costs.goto();
  await expect(page.getByTestId("chart-cost-over-time")).toBeVisible();
  await expect(page.getByTestId("chart-budget-burn").getByTestId("empty-state")).toBeVisible();
  await expect(page.getByTestId("chart-budget-burn-over-time").getByTestId("empty-state")).toBeVisible();
  // A field error from the shared schema, before anything is sent.
  await page.getByTestId("budget-save").click();
  await expect(costs.form().getByText("is required").first()).toBeVisible();
  await costs.createBudget("SMS marketing", "25", "finance@example.com");
  await expect(costs.rows()).toHaveCount(1);
  await expect(costs.rows().first()).toContainText("SMS marketing");
  await expect(page.getByTestId("chart-budget-burn")).toContainText("SMS marketing");
  // Burn over the month: its table has a row per day of the period, beside the chart.
  await expect(page.getByTestId("chart-budget-burn-over-time")).toContainText("SMS marketing");
  await expect(page.getByTestId("table-budget-burn-over-time").locator("tbody tr").first()).toBeVisible();
});

test("staff see the dashboard and budgets but cannot change a budget", async ({ page }) => {
  const staff = await createAccount("staff");
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(staff.email, staff.password);
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByTestId("dashboard-charts")).toBeVisible();
  await page.goto("/costs");
  await expect(page.getByTestId("budgets-read-only")).toBeVisible();
  await expect(page.getByTestId("budget-form")).toHaveCount(0);
});
