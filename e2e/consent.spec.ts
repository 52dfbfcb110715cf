import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";

test("opt a number out on the Opt-outs page, see a send refused, export the CSV", async ({
  page,
  signedIn,
}) => {
  expect(signedIn).toBeTruthy();
  await page.goto("/opt-outs");
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await page.getByTestId("add-opt-out").click();
  await page.getByTestId("opt-out-channel").selectOption("sms");
  await page.getByTestId("opt-out-address").fill("not a number");
  await page.getByTestId("opt-out-submit").click();
  await expect(page.getByTestId("error-address")).toBeVisible();
  await page.getByTestId("opt-out-address").fill("(202) 555-0177");
  await page.getByTestId("opt-out-submit").click();
  await expect(page.locator('[data-testid="opt-out-row"][data-address="+12025550177"]')).toBeVisible();

  await page.goto("/messages");
  await page.getByTestId("compose-message").click();
  await page.getByTestId("compose-channel").selectOption("sms");
  await page.getByTestId("compose-to").fill("+12025550177");
  await page.getByTestId("compose-body").fill("Are you still there?");
  await page.getByTestId("compose-send").click();
  await expect(page.getByTestId("error-to")).toContainText("opted out");

  await page.goto("/opt-outs");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("export-opt-outs").click(),
  ]);
  const csv = readFileSync(await download.path(), "utf8");
  expect(csv.split("\n")[0]).toBe("address,channel,category,source,reason,created_at,updated_at");
  expect(csv).toContain("+12025550177,sms,all,console");
});

test("follow the unsubscribe link of an outbox email and see the address opted out", async ({
  page,
  signedIn,
  request,
}) => {
  const { cli } = await import("./fixtures");
  const key = (await cli("apikey:create", "--org", signedIn.org, "--role", "staff")).at(-1) as string;
  const res = await request.post("/api/v1/email/send", {
    headers: { authorization: `Bearer ${key}` },
    data: {
      to: "reader@example.com",
      subject: "Our November news",
      html: "<p>Hello!</p>",
      text: "Hello!",
      category: "marketing",
    },
  });
  const { id } = await res.json();
  await page.goto("/outbox");
  const item = page.locator(`[data-testid="outbox-item"][data-message-id="${id}"]`);
  await expect(item).toBeVisible();
  const href = await item
    .frameLocator('[data-testid="outbox-email-frame"]')
    .locator('a[data-switchboard="unsubscribe"]')
    .getAttribute("href");
  expect(href).toMatch(/\/u\//);
  // Viewing the email in the console loads no open pixel (SPEC §5).
  await expect(
    item.frameLocator('[data-testid="outbox-email-frame"]').locator('img[src*="/t/o/"]'),
  ).toHaveCount(0);
  await page.goto(href as string);
  await expect(page.getByText("reader@example.com")).toBeVisible();
  await page.getByTestId("confirm-unsubscribe").click();
  await expect(page.getByTestId("unsubscribed")).toBeVisible();

  await page.goto("/opt-outs");
  const row = page.locator('[data-testid="opt-out-row"][data-address="reader@example.com"]');
  await expect(row).toContainText("marketing");
  await expect(row).toContainText("unsubscribe link");
});
