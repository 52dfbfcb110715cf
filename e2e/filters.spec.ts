import { expect, test } from "./fixtures";

test("message filters live in the URL: they survive reload and Back, and the dashboard and campaign links land filtered", async ({
  page,
  signedIn,
  request,
}) => {
  const { cli } = await import("./fixtures");
  const key = (await cli("apikey:create", "--org", signedIn.org, "--role", "admin")).at(-1) as string;
  const auth = { authorization: `Bearer ${key}` };
  await request.post("/api/v1/email/send", {
    headers: auth,
    data: { to: "reader@example.com", subject: "Hello", text: "Hi" },
  });
  await request.post("/api/v1/sms/send", {
    headers: auth,
    data: { to: "+12025550142", message: "Text one" },
  });
  await request.post("/api/v1/sms/send", {
    headers: auth,
    data: { to: "+12025550143", message: "Text two" },
  });

  await page.goto("/messages");
  await expect(page.getByTestId("message-row")).toHaveCount(3);
  await page.getByTestId("filter-channel").selectOption("sms");
  await page.getByTestId("filter-to").fill("0142");
  await page.getByTestId("filter-apply").click();
  await expect(page).toHaveURL(/channel=sms/);
  await expect(page).toHaveURL(/to=0142/);
  await expect(page.getByTestId("message-row")).toHaveCount(1);
  // SMS rows show their text.
  await expect(page.getByTestId("message-row")).toContainText("Text one");

  await page.reload();
  await expect(page.getByTestId("filter-channel")).toHaveValue("sms");
  await expect(page.getByTestId("filter-to")).toHaveValue("0142");
  await expect(page.getByTestId("message-row")).toHaveCount(1);

  await page.getByTestId("message-link").first().click();
  await expect(page).toHaveURL(/\/messages\/[0-9a-f-]{36}/);
  await page.goBack();
  await expect(page).toHaveURL(/channel=sms/);
  await expect(page.getByTestId("message-row")).toHaveCount(1);
  await page.goBack();
  await expect(page.getByTestId("message-row")).toHaveCount(3);

  await page.goto("/dashboard");
  await page.getByTestId("stat-failed").click();
  await expect(page).toHaveURL(
    /status=failed%2Cundelivered%2Cbounced%2Crejected|status=failed,undelivered,bounced,rejected/,
  );
  await expect(page.getByTestId("filter-status")).toHaveValue("failed,undelivered,bounced,rejected");
  await expect(page.getByText("No messages match these filters")).toBeVisible();

  // A campaign's "All messages" link opens the log filtered to that campaign.
  const list = await (await request.post("/api/v1/lists", { headers: auth, data: { name: "Few" } })).json();
  for (const i of [1, 2]) {
    await request.post("/api/v1/contacts", {
      headers: auth,
      data: { email: `few${i}@example.com`, name: `Few ${i}`, list_ids: [list.id] },
    });
  }
  const template = await (
    await request.post("/api/v1/templates", {
      headers: auth,
      data: {
        channel: "email",
        name: "Few news",
        subject: "News",
        html: "<p>Hi {{name}}</p>",
        category: "marketing",
      },
    })
  ).json();
  const campaign = await (
    await request.post("/api/v1/campaigns", {
      headers: auth,
      data: { name: "Few", channel: "email", template_id: template.id, audience: { list_ids: [list.id] } },
    })
  ).json();
  await request.post(`/api/v1/campaigns/${campaign.id}/launch`, { headers: auth });
  await page.goto(`/campaigns/${campaign.id}`);
  await expect(page.getByTestId("campaign-status")).toHaveText("completed", { timeout: 30_000 });
  await page.getByTestId("campaign-messages-link").click();
  await expect(page).toHaveURL(new RegExp(`campaign_id=${campaign.id}`));
  await expect(page.getByTestId("filter-campaign")).toBeVisible();
  await expect(page.getByTestId("message-row")).toHaveCount(2);
});

test("the log's page and the contacts search live in the URL too", async ({ page, signedIn, request }) => {
  const { cli } = await import("./fixtures");
  const key = (await cli("apikey:create", "--org", signedIn.org, "--role", "admin")).at(-1) as string;
  const auth = { authorization: `Bearer ${key}` };
  const recipients = Array.from({ length: 55 }, (_, i) => ({ to: `+1202555${String(2000 + i)}` }));
  const bulk = await request.post("/api/v1/sms/send-bulk", {
    headers: auth,
    data: { message: "Hi", recipients },
  });
  expect((await bulk.json()).accepted).toBe(55);

  await page.goto("/messages");
  await expect(page.getByTestId("message-row")).toHaveCount(50);
  await page.getByTestId("page-older").click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(page.getByTestId("message-row")).toHaveCount(5);
  await page.reload();
  await expect(page.getByTestId("message-row")).toHaveCount(5);
  await page.goBack();
  await expect(page.getByTestId("message-row")).toHaveCount(50);

  // "Load more" depth is in the URL too: a reload shows as many as before.
  await page.goto("/outbox?channel=sms");
  await expect(page.getByTestId("outbox-item")).toHaveCount(25);
  await page.getByTestId("load-more").click();
  await expect(page).toHaveURL(/pages=2/);
  await expect(page.getByTestId("outbox-item")).toHaveCount(50);
  await page.reload();
  await expect(page.getByTestId("outbox-item")).toHaveCount(50);
  await page.goBack();
  await expect(page.getByTestId("outbox-item")).toHaveCount(25);

  await request.post("/api/v1/contacts", { headers: auth, data: { email: "ada@example.com", name: "Ada" } });
  await request.post("/api/v1/contacts", {
    headers: auth,
    data: { email: "grace@example.com", name: "Grace" },
  });
  await page.goto("/contacts");
  await page.getByTestId("contact-search").fill("grace");
  await expect(page).toHaveURL(/q=grace/);
  await page.reload();
  await expect(page.getByTestId("contact-search")).toHaveValue("grace");
  await expect(page.getByText("ada@example.com")).toHaveCount(0);
  await expect(page.getByText("grace@example.com")).toBeVisible();
});

test("campaign filters live in the URL: they survive reload and Back", async ({
  page,
  signedIn,
  request,
}) => {
  const { cli } = await import("./fixtures");
  const key = (await cli("apikey:create", "--org", signedIn.org, "--role", "admin")).at(-1) as string;
  const auth = { authorization: `Bearer ${key}` };
  const list = await request.post("/api/v1/lists", { headers: auth, data: { name: "Filter audience" } });
  expect(list.ok()).toBe(true);
  const listId = (await list.json()).id as string;

  const emailTemplate = await request.post("/api/v1/templates", {
    headers: auth,
    data: {
      channel: "email",
      name: "Filter news",
      subject: "News",
      html: "<p>Hi</p>",
      category: "marketing",
    },
  });
  expect(emailTemplate.ok()).toBe(true);
  const smsTemplate = await request.post("/api/v1/templates", {
    headers: auth,
    data: { channel: "sms", name: "Filter text", body: "Hi {{name}}", category: "marketing" },
  });
  expect(smsTemplate.ok()).toBe(true);

  // Drafts are enough: nothing is launched.
  for (const [name, channel, template] of [
    ["Email draft", "email", emailTemplate],
    ["SMS draft", "sms", smsTemplate],
  ] as const) {
    const res = await request.post("/api/v1/campaigns", {
      headers: auth,
      data: { name, channel, template_id: (await template.json()).id, audience: { list_ids: [listId] } },
    });
    expect(res.status()).toBe(201);
  }
  // The API filters by status and channel.
  const smsDrafts = await request.get("/api/v1/campaigns?status=draft&channel=sms", { headers: auth });
  expect((await smsDrafts.json()).data).toHaveLength(1);

  await page.goto("/campaigns");
  const rows = page.getByTestId("campaigns").getByTestId("campaign-link");
  await expect(rows).toHaveCount(2);
  await page.getByTestId("campaign-filter-channel").selectOption("sms");
  await expect(page).toHaveURL(/channel=sms/);
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId("campaign-row-SMS draft")).toBeVisible();
  await expect(page.getByTestId("campaign-row-Email draft")).toHaveCount(0);

  await page.reload();
  await expect(page).toHaveURL(/channel=sms/);
  await expect(page.getByTestId("campaign-filter-channel")).toHaveValue("sms");
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId("campaign-row-SMS draft")).toBeVisible();

  // A status nothing has yet shows the filtered empty state, with a way to clear the filters.
  await page.getByTestId("campaign-filter-status").selectOption("completed");
  await expect(page).toHaveURL(/status=completed/);
  await expect(page.getByText("No campaigns match these filters")).toBeVisible();
  await expect(page.getByTestId("campaign-filter-clear")).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/channel=sms/);
  await expect(page).not.toHaveURL(/status=/);
  await expect(rows).toHaveCount(1);

  await page.goBack();
  await expect(page).not.toHaveURL(/channel=/);
  await expect(page.getByTestId("campaign-filter-channel")).toHaveValue("");
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId("campaigns-next")).toHaveCount(0);
  await expect(page.getByTestId("campaigns-first")).toHaveCount(0);
});
