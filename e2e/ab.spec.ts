import { expect, test } from "./fixtures";

test("build an A/B campaign in the wizard, see the split, launch it, pick the winner and reach everyone", async ({
  page,
  signedIn,
  request,
}) => {
  test.setTimeout(120_000);
  const { cli } = await import("./fixtures");
  const key = (await cli("apikey:create", "--org", signedIn.org, "--role", "admin")).at(-1) as string;
  const auth = { authorization: `Bearer ${key}` };
  const list = await (
    await request.post("/api/v1/lists", { headers: auth, data: { name: "Testers" } })
  ).json();
  for (const [name, subject] of [
    ["Subject one", "Big news, {{name}}"],
    ["Subject two", "{{name}}, look inside"],
  ]) {
    const t = await request.post("/api/v1/templates", {
      headers: auth,
      data: { channel: "email", name, subject, html: "<p>Hello {{name}}</p>", category: "marketing" },
    });
    expect(t.status()).toBe(201);
  }
  for (let i = 0; i < 10; i++) {
    const c = await request.post("/api/v1/contacts", {
      headers: auth,
      data: { email: `ab${i}@example.com`, name: `Tester ${i}`, list_ids: [list.id] },
    });
    expect(c.status()).toBe(201);
  }

  await page.goto("/campaigns/new");
  await page.getByTestId("campaign-name").fill("Subject test");
  await page.getByTestId("campaign-channel").selectOption("email");
  await page.getByTestId("wizard-next").click();

  // Content: an A/B test replaces the single template.
  await page.getByTestId("ab-enabled").check();
  await expect(page.getByTestId("campaign-template")).toHaveCount(0);
  await page.getByTestId("ab-variant-template-0").selectOption({ label: "Subject one (v1)" });
  // A missing template and an out-of-range share are named in plain words.
  await page.getByTestId("ab-test-percent").fill("150");
  await page.getByTestId("wizard-next").click();
  await expect(page.getByTestId("error-variants.1.template_id")).toHaveText(
    "Choose a template for this variant",
  );
  await expect(page.getByTestId("error-ab_test.test_percent")).toContainText("at most 99");
  await page.getByTestId("ab-variant-template-1").selectOption({ label: "Subject two (v1)" });
  await page.getByTestId("ab-test-percent").fill("40");
  await page.getByTestId("ab-metric").selectOption("manual");
  await page.getByTestId("ab-wait-minutes").fill("");
  await expect(page.getByTestId("ab-split-preview")).toHaveText(
    "40 % test: 20 % A, 20 % B; 60 % wait for the winner you pick",
  );
  await page.getByTestId("wizard-next").click();

  await page.getByTestId("campaign-list-Testers").check();
  await expect(page.getByTestId("audience-count")).toHaveText("10");
  await page.getByTestId("wizard-next").click();

  // Review shows both variants and the split.
  const review = page.getByTestId("review-ab");
  await expect(review).toContainText("A: Subject one (v1)");
  await expect(review).toContainText("B: Subject two (v1)");
  await expect(page.getByTestId("review-ab-split")).toHaveText(
    "40 % test: 20 % A, 20 % B; 60 % wait for the winner you pick",
  );
  await page.getByTestId("campaign-launch").click();
  await expect(page.getByTestId("launch-dialog-confirm")).toBeVisible();
  await page.getByTestId("launch-dialog-confirm").click();

  await expect(page).toHaveURL(/\/campaigns\/[0-9a-f-]{36}/);
  const results = page.getByTestId("ab-results");
  await expect(results).toBeVisible();
  await expect(page.getByTestId("ab-waiting")).toContainText("6", { timeout: 60_000 });
  await expect(page.getByTestId("ab-winner")).toContainText("not chosen yet");
  await expect(page.getByTestId("ab-variant-row-A")).toContainText("2");
  await expect(page.getByTestId("ab-variant-row-B")).toContainText("2");
  await expect(page.getByTestId("campaign-status")).toHaveText("running");

  await page.getByTestId("ab-pick-B").click();
  await expect(page.getByTestId("ab-winner")).toContainText("B");
  await expect(page.getByTestId("ab-pick-A")).toHaveCount(0);
  await expect(page.getByTestId("campaign-status")).toHaveText("completed", { timeout: 60_000 });
  await expect(page.getByTestId("ab-waiting")).toContainText("0");
  await expect(page.getByTestId("stat-sent")).toHaveText("10");
  await expect(page.getByTestId("ab-variant-row-B")).toContainText("8");

  // The finished page at phone and desktop width: never wider than the window; screenshots for a human.
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await expect(results).toBeVisible();
    const { scroll, viewport } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    expect(scroll).toBeLessThanOrEqual(viewport);
    await page.screenshot({ path: `test-results/narrow/ab-campaign-${width}.png`, fullPage: true });
  }
});
