import { expect, type Page } from "@playwright/test";

export class ProvidersPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/providers");
  }

  async addSmtp(input: { name: string; port: number; email: string; priority?: number }) {
    await this.page.getByTestId("add-provider").click();
    await this.page.getByTestId("provider-type").selectOption("smtp");
    await this.page.getByTestId("provider-name").fill(input.name);
    await this.page.getByTestId("provider-sender-email").fill(input.email);
    await this.page.getByTestId("provider-config-host").fill("127.0.0.1");
    await this.page.getByTestId("provider-config-port").fill(String(input.port));
    await this.page.getByTestId("provider-config-tls_mode").selectOption("none");
    await this.page.getByTestId("provider-priority").fill(String(input.priority ?? 1));
    await this.page.getByTestId("provider-save").click();
    await expect(this.row(input.name)).toBeVisible();
  }

  row(name: string) {
    return this.page.getByTestId(`provider-row-${name}`);
  }

  async test(name: string, to: string) {
    await this.page.getByTestId(`test-${name}`).click();
    await this.page.getByTestId("test-to").fill(to);
    await this.page.getByTestId("test-send").click();
    return this.page.getByTestId("test-result");
  }
}
