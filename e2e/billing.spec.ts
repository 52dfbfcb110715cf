import { createAccount, expect, test } from "./fixtures";
import { BillingPage } from "./pages/billing-page";
import { LoginPage } from "./pages/login-page";

// The e2e server talks to the Stripe double started by e2e/stripe-double.setup.ts.

test("create a customer and a subscription, cancel it at period end, download an invoice PDF", async ({
  page,
  signedIn,
}) => {
  expect(signedIn.role).toBe("admin");
  const billing = new BillingPage(page);
  await billing.goto();
  await expect(page.getByTestId("stripe-mode")).toContainText("test mode");
  await expect(page.getByTestId("empty-state")).toContainText("No customers yet");

  await billing.createCustomer({
    email: `ada-${Date.now()}@example.com`,
    name: "Ada Lovelace",
    card: "pm_card_visa",
  });
  await expect(page.getByTestId("payment-methods")).toContainText("4242");

  await billing.subscribe("price_basic", 2);
  const subscription = billing.subscriptions().first();
  await expect(subscription).toHaveAttribute("data-status", "active");

  await billing.cancelAtPeriodEnd(subscription);
  await expect(subscription.getByTestId("cancels-at-period-end")).toBeVisible();
  await expect(subscription).toHaveAttribute("data-status", "active");

  await expect(billing.invoices()).toHaveCount(1);
  await expect(billing.invoices().first()).toHaveAttribute("data-status", "paid");
  await expect(billing.invoices().first().getByTestId("invoice-stripe-pdf")).toHaveAttribute(
    "href",
    /\/pdf$/,
  );
  const pdf = await billing.downloadInvoicePdf();
  expect(pdf.filename).toMatch(/^invoice-[A-Za-z0-9_-]+\.pdf$/);
  expect(pdf.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(pdf.bytes.length).toBeGreaterThan(1000);

  // The search finds the customer by part of its name.
  await billing.goto();
  await page.getByTestId("customer-search").fill("lovel");
  await expect(page.getByTestId("customer-row")).toHaveCount(1);
});

test("a manager sees the invoices but cannot create or cancel", async ({ page, signedIn }) => {
  const billing = new BillingPage(page);
  await billing.goto();
  await billing.createCustomer({
    email: `grace-${Date.now()}@example.com`,
    name: "Grace Hopper",
    card: "pm_card_visa",
  });
  await billing.subscribe("price_pro");
  await expect(billing.subscriptions().first()).toHaveAttribute("data-status", "active");

  const manager = await createAccount("manager", signedIn.org);
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login/);
  const login = new LoginPage(page);
  await login.signIn(manager.email, manager.password);
  await expect(page).toHaveURL(/\/dashboard/);

  await billing.goto("invoices");
  await expect(page.getByTestId("billing-read-only")).toBeVisible();
  await expect(billing.invoices()).toHaveCount(1);
  const pdf = await billing.downloadInvoicePdf();
  expect(pdf.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");

  await billing.goto();
  await expect(page.getByTestId("customer-row")).toHaveCount(1);
  await expect(page.getByTestId("new-customer")).toHaveCount(0);
  await page.getByTestId("customer-row").first().getByRole("link").click();
  await expect(page.getByTestId("customer-detail")).toBeVisible();
  await expect(billing.subscriptions()).toHaveCount(1);
  await expect(page.getByTestId("subscribe")).toHaveCount(0);
  await expect(page.getByTestId("cancel-subscription")).toHaveCount(0);

  await billing.goto("coupons");
  await expect(page.getByTestId("new-coupon")).toHaveCount(0);
});
