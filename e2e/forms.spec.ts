import { expect, test } from "./fixtures";

test("the SMTP form names every missing field at once in plain words, has real defaults and presets", async ({
  page,
  signedIn,
}) => {
  expect(signedIn.role).toBe("admin");
  await page.goto("/providers");
  await page.getByTestId("add-provider").click();
  await page.getByTestId("provider-type").selectOption("smtp");
  // A real default, not a placeholder that looks like one.
  await expect(page.getByTestId("provider-config-port")).toHaveValue("587");
  await page.getByTestId("provider-save").click();
  const form = page.getByTestId("provider-form");
  for (const field of ["name", "sender.email", "config.host"]) {
    const input = form.locator(`[name="${field}"]`);
    await expect(input, field).toHaveAttribute("aria-invalid", "true");
  }
  await expect(form.getByText("is required for an email provider")).toBeVisible();
  await expect(form.getByText(/Invalid input|expected string/)).toHaveCount(0);

  await page.getByTestId("smtp-preset-gmail").click();
  await expect(page.getByTestId("provider-config-host")).toHaveValue("smtp.gmail.com");
  await expect(page.getByTestId("provider-config-port")).toHaveValue("587");
  await expect(page.getByTestId("provider-config-tls_mode")).toHaveValue("starttls");
  await expect(page.getByTestId("smtp-preset-hint")).toContainText("app password");
  await page.getByTestId("smtp-preset-yahoo").click();
  await expect(page.getByTestId("provider-config-host")).toHaveValue("smtp.mail.yahoo.com");
  await expect(page.getByTestId("provider-config-port")).toHaveValue("465");
  await expect(page.getByTestId("provider-config-tls_mode")).toHaveValue("tls");
  await page.screenshot({ path: "test-results/narrow/provider-form-1280.png", fullPage: true });
});

test("webhook URLs can be copied, and a localhost APP_URL is called out as unreachable for providers", async ({
  page,
  signedIn,
  request,
}) => {
  const { cli } = await import("./fixtures");
  const key = (await cli("apikey:create", "--org", signedIn.org, "--role", "admin")).at(-1) as string;
  const created = await request.post("/api/v1/providers", {
    headers: { authorization: `Bearer ${key}` },
    data: {
      name: "Mailgun EU",
      type: "mailgun",
      sender: { email: "news@example.com" },
      config: { domain: "mg.example.com" },
      credentials: { api_key: "key-123", webhook_signing_key: "sign-123" },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/settings/messaging");
  await expect(page.getByTestId("webhook-unreachable")).toContainText("cannot");
  const url = await page.getByTestId("webhook-url").first().textContent();
  await page.getByTestId("copy-webhook-url").first().click();
  await expect(page.getByTestId("copy-webhook-url").first()).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
});
