import type { Page } from "@playwright/test";

export class MembersPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/settings/users");
  }

  async add(input: { email: string; role: string; password?: string; name?: string }) {
    await this.page.getByTestId("add-member").click();
    await this.page.getByTestId("member-email").fill(input.email);
    if (input.name) await this.page.getByTestId("member-name").fill(input.name);
    await this.page.getByTestId("member-role").selectOption(input.role);
    if (input.password) await this.page.getByTestId("member-password").fill(input.password);
    await this.page.getByTestId("member-submit").click();
  }

  row(email: string) {
    return this.page.getByTestId(`member-row-${email}`);
  }

  async changeRole(email: string, role: string) {
    await this.page.getByTestId(`role-${email}`).selectOption(role);
  }

  async remove(email: string) {
    await this.page.getByTestId(`remove-${email}`).click();
    await this.page.getByTestId("confirm-remove").click();
  }
}
