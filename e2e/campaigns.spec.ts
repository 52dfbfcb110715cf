import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures";

test("import a CSV with a progress bar, build a campaign in the wizard, launch it, reach 100 %, see the outbox", async ({
  page,
  signedIn,
  request,
}) => {
  test.setTimeout(120_000);
  const { cli } = await import("./fixtures");
  const key = (await cli("apikey:create", "--org", signedIn.org, "--role", "admin")).at(-1) as string;
  const auth = { authorization: `Bearer ${key}` };
  const list = await (
    await request.post("/api/v1/lists", { headers: auth, data: { name: "Newsletter" } })
  ).json();
  await (
    await request.post("/api/v1/templates", {
      headers: auth,
      data: {
        channel: "email",
        name: "Launch news",
        subject: "News for {{name}}",
        html: "<p>Hello {{name}} from {{city}}</p>",
        category: "marketing",
      },
    })
  ).json();

  const rows = ["email,name,city"];
  for (let i = 0; i < 300; i++) rows.push(`reader${i}@example.com,"Reader, ${i}",Nairobi`);
  rows.push("not-an-email,Broken,Nowhere");
  const file = path.join(tmpdir(), `contacts-${Date.now()}.csv`);
  writeFileSync(file, `\uFEFF${rows.join("\r\n")}\r\n`);

  await page.goto("/contacts");
  await page.getByTestId("import-contacts").click();
  await page.getByTestId("import-file").setInputFiles(file);
  await page.getByTestId("import-list").selectOption(list.id);
  await page.getByTestId("import-submit").click();
  await expect(page.getByTestId("import-progress")).toBeVisible();
  await expect(page.getByTestId("import-status")).toHaveText("completed", { timeout: 60_000 });
  await expect(page.getByTestId("import-imported")).toHaveText("300");
  await expect(page.getByTestId("import-failed")).toHaveText("1");

  await page.goto("/campaigns/new");
  await page.getByTestId("campaign-name").fill("Launch day");
  await page.getByTestId("campaign-channel").selectOption("email");
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("campaign-template").selectOption({ label: "Launch news (v1)" });
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("campaign-list-Newsletter").check();
  await expect(page.getByTestId("audience-count")).toHaveText("300");
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("campaign-launch").click();
  // Launch asks first, with the dry run's numbers.
  await expect(page.getByTestId("dry-run-receive")).toHaveText("300");
  await expect(page.getByTestId("launch-dialog-confirm")).toHaveText("Send to 300 recipients");
  await page.getByTestId("launch-dialog-confirm").click();

  await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}/);
  await expect(page.getByTestId("campaign-progress")).toHaveAttribute("aria-valuenow", "100", {
    timeout: 60_000,
  });
  await expect(page.getByTestId("campaign-status")).toHaveText("completed");
  await expect(page.getByTestId("stat-sent")).toHaveText("300");

  await page.goto("/outbox");
  await expect(page.getByTestId("outbox-item").first()).toBeVisible();
  // The campaign's emails reached the outbox, each rendered for its own reader (which ones are
  // on the first page depends on the order the worker's groups finished in).
  await expect(
    page
      .getByTestId("outbox-email-subject")
      .filter({ hasText: /^News for Reader, \d+$/ })
      .first(),
  ).toBeVisible();
});

test("the wizard dry-runs the audience against the template, sends a test, and names the numbers before launch", async ({
  page,
  signedIn,
  request,
}) => {
  const { cli } = await import("./fixtures");
  const key = (await cli("apikey:create", "--org", signedIn.org, "--role", "admin")).at(-1) as string;
  const auth = { authorization: `Bearer ${key}` };
  const list = await (await request.post("/api/v1/lists", { headers: auth, data: { name: "Mixed" } })).json();
  await request.post("/api/v1/templates", {
    headers: auth,
    data: {
      channel: "email",
      name: "City news",
      subject: "News for {{name}}",
      html: "<p>Hello {{name}} from {{city}}</p>",
      category: "marketing",
    },
  });
  for (let i = 0; i < 6; i++) {
    await request.post("/api/v1/contacts", {
      headers: auth,
      data: {
        email: `mixed${i}@example.com`,
        name: `Mixed ${i}`,
        attributes: i < 4 ? { city: "Lagos" } : {},
        list_ids: [list.id],
      },
    });
  }
  await page.goto("/campaigns/new");
  await page.getByTestId("campaign-name").fill("Partly");
  await page.getByTestId("campaign-channel").selectOption("email");
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("campaign-template").selectOption({ label: "City news (v1)" });
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("campaign-list-Mixed").check();
  await expect(page.getByTestId("audience-count")).toHaveText("6");
  await page.getByTestId("wizard-next").click();
  await page.getByTestId("campaign-launch").click();
  const dialog = page.getByTestId("launch-dialog");
  await expect(dialog.getByTestId("dry-run-receive")).toHaveText("4");
  await expect(dialog.getByTestId("dry-run-reason")).toContainText("2 missing template variables");
  await expect(dialog.getByTestId("dry-run-reason")).toContainText("{{city}} (2)");
  await expect(dialog.getByTestId("test-send-to")).toHaveValue(signedIn.email);
  await dialog.getByTestId("test-send-button").click();
  await expect(dialog.getByTestId("test-send-done")).toContainText(`Test sent to ${signedIn.email}`);
  await page.screenshot({ path: "test-results/narrow/launch-dialog-1280.png" });
  await dialog.getByTestId("launch-dialog-confirm").click();
  await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}/);
  await expect(page.getByTestId("campaign-status")).toHaveText("completed", { timeout: 30_000 });
  await expect(page.getByTestId("stat-sent")).toHaveText("4");
});
