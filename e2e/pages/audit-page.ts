import type { Page } from "@playwright/test";

export class AuditPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/audit");
  }

  rows(action?: string) {
    return action
      ? this.page.locator(`[data-testid="audit-row"][data-action="${action}"]`)
      : this.page.getByTestId("audit-row");
  }
}
