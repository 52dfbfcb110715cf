import { expect, type Page } from "@playwright/test";

export class ApiKeysPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/settings/api-keys");
  }

  /** Creates a key and returns the plaintext shown once. */
  async create(name: string, role: "admin" | "manager" | "staff"): Promise<string> {
    await this.page.getByTestId("create-api-key").click();
    await this.page.getByTestId("api-key-name").fill(name);
    await this.page.getByTestId("api-key-role").selectOption(role);
    await this.page.getByTestId("api-key-submit").click();
    const key = (await this.page.getByTestId("new-api-key").textContent())?.trim() ?? "";
    await this.page.getByTestId("api-key-done").click();
    await expect(this.row(name)).toBeVisible();
    return key;
  }

  row(name: string) {
    return this.page.getByTestId(`api-key-row-${name}`);
  }

  async revoke(name: string) {
    await this.page.getByTestId(`revoke-${name}`).click();
    await this.page.getByTestId("confirm-revoke").click();
    await expect(this.row(name)).toHaveCount(0);
  }
}
