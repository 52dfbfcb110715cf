import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cli, expect, test } from "./fixtures";
import { ImportDialog } from "./pages/import-dialog";

/** Screenshots for people to look at, outside the repository. */
const shots = process.env.E2E_SHOTS_DIR ?? path.join(tmpdir(), "switchboard-shots");
mkdirSync(shots, { recursive: true });

test("import with a column mapping and a preview, into a list made in the dialog; bad phones do not lose rows", async ({
  page,
  signedIn,
}) => {
  test.setTimeout(120_000);
  expect(signedIn.org).toBeTruthy();
  const rows = ["E-mail,Mobile,First Name,Surname,Plan,Notes"];
  for (let i = 0; i < 12; i++) rows.push(`fair${i}@example.com,12345,Ada ${i},Lovelace,pro,call back`);
  const file = path.join(tmpdir(), `mapping-${Date.now()}.csv`);
  writeFileSync(file, `${rows.join("\r\n")}\r\n`);

  const dialog = new ImportDialog(page);
  await dialog.open();
  await dialog.choose(file);
  // Guessed from the names: "E-mail" and "Mobile" are email and phone, first + last name make the name.
  await expect(dialog.target(0)).toHaveValue("email");
  await expect(dialog.target(1)).toHaveValue("phone");
  await expect(dialog.target(2)).toHaveValue("first_name");
  await expect(dialog.target(3)).toHaveValue("last_name");
  await expect(dialog.target(4)).toHaveValue("attribute");
  await expect(dialog.previewRows()).toHaveCount(5);
  await expect(dialog.previewRows().first()).toContainText("fair0@example.com");
  await dialog.mapTo(4, "attribute", "tier");
  await dialog.mapTo(5, "ignore");
  await expect(page.getByTestId("import-preview")).toContainText("→ attribute tier");
  await dialog.createList("Spring fair");

  await page.screenshot({ path: path.join(shots, "import-dialog-1280.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, "import-dialog-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await dialog.importAndWait();
  await expect(dialog.count("imported")).toHaveText("12");
  await expect(dialog.count("failed")).toHaveText("0");
  await expect(page.getByTestId("import-error-row")).toHaveCount(12);
  await expect(page.getByTestId("import-error-row").first()).toContainText("imported without it");
  await page.screenshot({ path: path.join(shots, "import-result-1280.png"), fullPage: true });

  const report = (await dialog.downloadErrors()).trim().split(/\r?\n/);
  expect(report[0]).toBe("row,field,reason");
  expect(report).toHaveLength(13);
  expect(report[1]).toBe('1,phone,"""12345"" is not a valid phone number; the row was imported without it"');

  // The list made in the dialog holds every row, with the mapped fields.
  const lists = await (await page.request.get("/api/v1/lists")).json();
  const fair = lists.data.find((l: { name: string }) => l.name === "Spring fair");
  expect(fair?.member_count).toBe(12);
  const members = await (await page.request.get(`/api/v1/lists/${fair.id}/members?limit=50`)).json();
  const ada = members.data.find((c: { email: string }) => c.email === "fair3@example.com");
  expect(ada).toMatchObject({ name: "Ada 3 Lovelace", phone: null, attributes: { tier: "pro" } });
});

test("template editor: built-in variables are not missing, and leaving with unsaved edits asks first", async ({
  page,
  signedIn,
  request,
}) => {
  const key = (await cli("apikey:create", "--org", signedIn.org, "--role", "admin")).at(-1) as string;
  const created = await (
    await request.post("/api/v1/templates", {
      headers: { authorization: `Bearer ${key}` },
      data: {
        channel: "email",
        name: "Spring news",
        category: "marketing",
        subject: "News from {{organisation}}",
        html: '<p>Hi {{name}}, {{offer}}</p>{{#coupon}}<p>Code {{coupon}}</p>{{/coupon}}<p><a href="{{unsubscribe_url}}">Unsubscribe</a></p>',
        text: "{{offer}}\nUnsubscribe: {{unsubscribe_url}}",
      },
    })
  ).json();

  await page.goto(`/templates/${created.id}`);
  await expect(page.getByTestId("missing-variables")).toHaveText(/Missing: offer — /);
  await expect(page.getByTestId("built-in-variables")).toContainText("organisation, name, unsubscribe_url");
  await page.getByTestId("preview-var-offer").fill("20% off");
  await expect(page.getByTestId("missing-variables")).toHaveCount(0);

  await page.getByTestId("template-subject").fill("Spring news from {{organisation}}");
  await expect(page.getByTestId("unsaved-changes")).toBeVisible();
  await page.screenshot({ path: path.join(shots, "template-editor-1280.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, "template-editor-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Stay: the edit survives.
  const asked: string[] = [];
  page.once("dialog", (d) => {
    asked.push(d.message());
    void d.dismiss();
  });
  await page.getByTestId("back-to-templates").click();
  await expect(page).toHaveURL(new RegExp(`/templates/${created.id}$`));
  await expect(page.getByTestId("template-subject")).toHaveValue("Spring news from {{organisation}}");
  expect(asked[0]).toContain("unsaved changes");

  // Leave: the confirm is accepted and the app navigates.
  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("back-to-templates").click();
  await expect(page).toHaveURL(/\/templates$/);
});
