import { readFile } from "node:fs/promises";
import { expect, type Page } from "@playwright/test";

export class BillingPage {
  constructor(private readonly page: Page) {}

  async goto(tab: "" | "subscriptions" | "invoices" | "payments" | "coupons" = "") {
    await this.page.goto(tab ? `/billing/${tab}` : "/billing");
  }

  /** Creates a customer from the Customers tab; lands on its page. */
  async createCustomer(input: { email: string; name: string; card?: "pm_card_visa" | "pm_card_mastercard" }) {
    await this.page.getByTestId("new-customer").click();
    await this.page.getByTestId("customer-email").fill(input.email);
    await this.page.getByTestId("customer-name").fill(input.name);
    if (input.card) await this.page.getByTestId("customer-card").selectOption(input.card);
    await this.page.getByTestId("customer-save").click();
    await expect(this.page).toHaveURL(/\/billing\/customers\/cus_[A-Za-z0-9]+$/);
    await expect(this.page.getByTestId("customer-title")).toHaveText(input.name);
  }

  async subscribe(priceId: string, quantity = 1) {
    await this.page.getByTestId("subscribe").click();
    await this.page.getByTestId("subscribe-price").fill(priceId);
    await this.page.getByTestId("subscribe-quantity").fill(String(quantity));
    await this.page.getByTestId("subscribe-save").click();
    await expect(this.page.getByTestId("subscribe-dialog")).not.toBeVisible();
  }

  subscriptions() {
    return this.page.getByTestId("subscription-row");
  }

  async cancelAtPeriodEnd(row = this.subscriptions().first()) {
    await row.getByTestId("cancel-subscription").click();
    const dialog = this.page.getByTestId("cancel-subscription-dialog");
    await dialog.getByTestId("cancel-at-period-end").check();
    await dialog.getByTestId("confirm-cancel-subscription").click();
    await expect(dialog).not.toBeVisible();
  }

  invoices() {
    return this.page.getByTestId("invoice-row");
  }

  /** Downloads "our" PDF of an invoice row; answers the file name and the bytes. */
  async downloadInvoicePdf(row = this.invoices().first()) {
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      row.getByTestId("invoice-pdf").click(),
    ]);
    const file = await download.path();
    return { filename: download.suggestedFilename(), bytes: await readFile(file) };
  }
}
