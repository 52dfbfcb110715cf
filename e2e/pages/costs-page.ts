import type { Page } from "@playwright/test";

export class CostsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/costs");
  }

  form() {
    return this.page.getByTestId("budget-form");
  }

  async createBudget(name: string, amount: string, emails: string) {
    const form = this.form();
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Amount per month").fill(amount);
    await form.getByLabel("Alert emails").fill(emails);
    await form.getByLabel(/Hard stop/).check();
    await this.page.getByTestId("budget-save").click();
  }

  rows() {
    return this.page.getByTestId("budget-row");
  }
}
