import { startSmtpSink } from "../tests/smtp-sink";
import { expect, test } from "./fixtures";
import { ProvidersPage } from "./pages/providers-page";

test("add an SMTP provider on a loopback server, press test, see success and the email arrive", async ({
  page,
  signedIn,
}) => {
  expect(signedIn.role).toBe("admin");
  const sink = await startSmtpSink();
  try {
    const providers = new ProvidersPage(page);
    await providers.goto();
    // Field-level errors from the server's per-type validation.
    await page.getByTestId("add-provider").click();
    await page.getByTestId("provider-type").selectOption("smtp");
    await page.getByTestId("provider-name").fill("Incomplete");
    await page.getByTestId("provider-save").click();
    await expect(page.getByTestId("error-config.host")).toBeVisible();
    await expect(page.getByTestId("error-sender.email")).toBeVisible();
    await page.keyboard.press("Escape");

    await providers.addSmtp({ name: "Loopback SMTP", port: sink.port, email: "ops@acme.test" });
    const result = await providers.test("Loopback SMTP", "me@example.com");
    await expect(result).toHaveAttribute("data-success", "true");
    await expect(result).toContainText("Success");
    await expect.poll(() => sink.received.length).toBe(1);
    expect(sink.received[0]?.mail.subject).toBe("Switchboard test: Loopback SMTP");
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("circuit-Loopback SMTP")).toHaveAttribute("data-state", "closed");
  } finally {
    await sink.close().catch(() => {});
  }
});

test("the SMS segment counter switches from GSM-7 to UCS-2 when an emoji is typed", async ({
  page,
  signedIn,
}) => {
  expect(signedIn).toBeTruthy();
  await page.goto("/templates");
  await page.getByTestId("new-template").click();
  await page.getByTestId("new-template-channel").selectOption("sms");
  await page.getByTestId("new-template-name").fill("Pickup");
  await page.getByTestId("new-template-submit").click();
  await expect(page).toHaveURL(/\/templates\/[0-9a-f-]{36}/);
  const body = page.getByTestId("template-body");
  await body.fill("Your order is ready");
  await expect(page.getByTestId("segment-encoding")).toHaveText("GSM-7");
  await body.pressSequentially(" 🎉");
  await expect(page.getByTestId("segment-encoding")).toHaveText("UCS-2");
  await expect(page.getByTestId("segment-counter")).toContainText("1 segment");
  await page.getByTestId("template-save").click();
  await expect(page.getByText(/Saved — version 2/)).toBeVisible();
  await expect(page.getByTestId("version-row")).toHaveCount(2);
});

test("send a message and find it in the outbox and the messages log", async ({ page, signedIn }) => {
  expect(signedIn).toBeTruthy();
  await page.goto("/messages");
  await page.getByTestId("compose-message").click();
  await page.getByTestId("compose-channel").selectOption("sms");
  await page.getByTestId("compose-to").fill("12345");
  await page.getByTestId("compose-body").fill("Hello from the e2e test");
  await page.getByTestId("compose-send").click();
  await expect(page.getByTestId("error-to")).toBeVisible();
  await page.getByTestId("compose-to").fill("+1 202 555 0142");
  await page.getByTestId("compose-send").click();
  const row = page.getByTestId("message-row").first();
  await expect(row).toHaveAttribute("data-status", "sent", { timeout: 15_000 });
  const id = await row.getAttribute("data-message-id");

  await page.goto("/outbox");
  const item = page.locator(`[data-testid="outbox-item"][data-message-id="${id}"]`);
  await expect(item).toBeVisible();
  await expect(item.getByTestId("outbox-sms-body")).toHaveText("Hello from the e2e test");

  await page.goto(`/messages/${id}`);
  await expect(page.getByTestId("message-status")).toHaveText("sent");
  await expect(page.getByTestId("attempt-row")).toHaveCount(1);
  await expect(page.getByTestId("attempt-row")).toContainText("console");
});

test("an email sent through the API appears in the outbox within a second", async ({
  page,
  signedIn,
  request,
}) => {
  expect(signedIn).toBeTruthy();
  const { cli } = await import("./fixtures");
  const lines = await cli("apikey:create", "--org", signedIn.org, "--role", "staff");
  const key = lines.at(-1) as string;
  const started = Date.now();
  const res = await request.post("/api/v1/email/send", {
    headers: { authorization: `Bearer ${key}` },
    data: { to: "first@example.com", subject: "Zero config", html: "<h1>It works</h1>", text: "It works" },
  });
  expect(res.status()).toBe(202);
  const { id } = await res.json();
  let status = "";
  while (Date.now() - started < 5000) {
    status = (
      await (
        await request.get(`/api/v1/messages/${id}`, { headers: { authorization: `Bearer ${key}` } })
      ).json()
    ).status;
    if (status === "sent") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(status).toBe("sent");
  console.log(`API email reached the outbox in ${Date.now() - started} ms`);
  await page.goto("/outbox");
  const item = page.locator(`[data-testid="outbox-item"][data-message-id="${id}"]`);
  await expect(item.getByTestId("outbox-email-frame")).toBeVisible();
  const detail = await (
    await request.get(`/api/v1/messages/${id}`, { headers: { authorization: `Bearer ${key}` } })
  ).json();
  expect(detail.attempts).toHaveLength(1);
  expect(detail.attempts[0]).toMatchObject({ outcome: "success", provider_type: "sandbox" });
});
