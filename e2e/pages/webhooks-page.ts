import { expect, type Locator, type Page } from "@playwright/test";

/** Settings → Event webhooks. */
export class WebhooksPage {
  constructor(private readonly page: Page) {}

  /** Through the settings tabs, as an admin finds it. */
  async goto() {
    await this.page.goto("/settings/account");
    await this.page.getByTestId("tab-webhooks").click();
    await expect(this.page).toHaveURL(/\/settings\/webhooks$/);
  }

  openCreate() {
    return this.page.getByTestId("create-webhook-endpoint").click();
  }

  /** Adds an endpoint for these event types and answers the signing secret shown once; leaves the dialog closed. */
  async create(url: string, eventTypes: string[]): Promise<string> {
    await this.openCreate();
    const dialog = this.page.getByTestId("webhook-endpoint-dialog");
    await dialog.getByTestId("webhook-url").fill(url);
    for (const t of eventTypes) await dialog.getByTestId(`event-type-${t}`).check();
    await dialog.getByTestId("webhook-endpoint-submit").click();
    const shown = dialog.getByTestId("webhook-secret");
    await expect(shown).toBeVisible();
    const secret = ((await shown.textContent()) ?? "").trim();
    await dialog.getByTestId("webhook-secret-done").click();
    await expect(dialog).toBeHidden();
    return secret;
  }

  /** The endpoint's card in the list. */
  endpoint(url: string): Locator {
    return this.page.locator('[data-testid="webhook-endpoints"] > li').filter({ hasText: url });
  }

  async openDeliveries(endpoint: Locator) {
    await endpoint.getByTestId("toggle-deliveries").click();
    await expect(endpoint.getByTestId("toggle-deliveries")).toHaveText("Hide deliveries");
  }

  deliveries(endpoint: Locator): Locator {
    return endpoint.locator('[data-testid^="delivery-row-"]');
  }
}
