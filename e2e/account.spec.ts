import { expect, test } from "./fixtures";
import { LoginPage } from "./pages/login-page";

test("change one's own password: the old one is required, this browser stays signed in, the other session ends", async ({
  page,
  browser,
  account,
}) => {
  // Two browsers signed in as the same person.
  const other = await browser.newContext();
  const elsewhere = await other.newPage();
  for (const p of [page, elsewhere]) {
    const login = new LoginPage(p);
    await login.goto();
    await login.signIn(account.email, account.password);
    await expect(p).toHaveURL(/\/dashboard/);
  }

  await page.goto("/settings");
  await expect(page).toHaveURL(/\/settings\/users/);
  await page.getByTestId("tab-account").click();
  await page.getByTestId("current-password").fill("not my password");
  await page.getByTestId("new-password").fill("short");
  await page.getByTestId("confirm-password").fill("different");
  await page.getByTestId("change-password").click();
  // Every problem at once, next to its field, in plain words.
  await expect(page.getByText("must be at least 10 characters")).toBeVisible();
  await expect(page.getByText("does not match the new password")).toBeVisible();

  await page.getByTestId("current-password").fill("not my password");
  await page.getByTestId("new-password").fill("a much better password");
  await page.getByTestId("confirm-password").fill("a much better password");
  await page.getByTestId("change-password").click();
  await expect(page.getByText("is not your current password")).toBeVisible();

  await page.getByTestId("current-password").fill(account.password);
  await page.getByTestId("new-password").fill("a much better password");
  await page.getByTestId("confirm-password").fill("a much better password");
  await page.getByTestId("change-password").click();
  await expect(page.getByTestId("password-changed")).toBeVisible();
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard/);

  await elsewhere.goto("/dashboard");
  await expect(elsewhere).toHaveURL(/\/login/);
  const login = new LoginPage(elsewhere);
  await login.signIn(account.email, account.password);
  await expect(login.error()).toBeVisible();
  await login.signIn(account.email, "a much better password");
  await expect(elsewhere).toHaveURL(/\/dashboard/);
  await other.close();
});
