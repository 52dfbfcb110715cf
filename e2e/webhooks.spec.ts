import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { cli, expect, test } from "./fixtures";
import { WebhooksPage } from "./pages/webhooks-page";

// The server runs with EGRESS_ALLOW_PRIVATE=1 (playwright.config.ts), so an
// endpoint may be plain http on loopback: this receiver, started by the spec.

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

async function startReceiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        path: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("thanks from the receiver");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const signed = (r: Received) => ({
  "webhook-id": String(r.headers["webhook-id"]),
  "webhook-timestamp": String(r.headers["webhook-timestamp"]),
  "webhook-signature": String(r.headers["webhook-signature"]),
});

test("create an endpoint, send a message, see the delivery in the log and replay it", async ({
  page,
  signedIn,
  request,
}) => {
  const receiver = await startReceiver();
  try {
    const webhooks = new WebhooksPage(page);
    await webhooks.goto();

    // The form checks the URL with the API's schema and names the field.
    await webhooks.openCreate();
    const dialog = page.getByTestId("webhook-endpoint-dialog");
    await dialog.getByTestId("webhook-url").fill("not a url");
    await dialog.getByTestId("webhook-endpoint-submit").click();
    await expect(dialog.getByTestId("error-url")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();

    const url = `${receiver.url}/switchboard-events`;
    const secret = await webhooks.create(url, ["message.sent"]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    // Shown once: gone once dismissed, and nowhere on the page after a reload.
    await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
    await page.reload();
    const endpoint = webhooks.endpoint(url);
    await expect(endpoint).toBeVisible();
    await expect(endpoint).toContainText("message.sent");
    await expect(endpoint).toContainText("enabled");
    expect(await page.content()).not.toContain(secret.slice("whsec_".length));

    // A message sent through the API with a key.
    const key = (await cli("apikey:create", "--org", signedIn.org, "--role", "staff")).at(-1) as string;
    const sent = await request.post("/api/v1/sms/send", {
      headers: { authorization: `Bearer ${key}` },
      data: { to: "+12025550142", message: "Hello from the webhook e2e test" },
    });
    expect(sent.status()).toBe(202);
    const { id: messageId } = (await sent.json()) as { id: string };

    // The receiver hears message.sent (the only type ticked), signed with the secret shown.
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(1);
    const first = receiver.received[0] as Received;
    expect(first.path).toBe("/switchboard-events");
    expect(new Webhook(secret).verify(first.body, signed(first))).toMatchObject({
      type: "message.sent",
      data: { id: messageId, channel: "sms", to: "+12025550142" },
    });

    // The delivery log shows it with its status, response code and the answer's excerpt.
    await webhooks.openDeliveries(endpoint);
    const rows = webhooks.deliveries(endpoint);
    await expect(rows).toHaveCount(1, { timeout: 15_000 });
    const row = rows.first();
    await expect(row).toHaveAttribute("data-status", "succeeded");
    await expect(row).toHaveAttribute("data-type", "message.sent");
    await expect(row).toHaveAttribute("data-attempts", "1");
    await expect(row).toHaveAttribute("data-event-id", String(first.headers["webhook-id"]));
    await expect(row).toContainText("succeeded");
    await expect(row).toContainText("200");
    await expect(row).toContainText("thanks from the receiver");

    // Replay: the receiver gets the same event again, under the same webhook-id.
    await row.getByRole("button", { name: "Replay" }).click();
    await expect(page.getByText("Delivered again")).toBeVisible();
    await expect.poll(() => receiver.received.length).toBe(2);
    const second = receiver.received[1] as Received;
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(second.body).toBe(first.body);
    expect(new Webhook(secret).verify(second.body, signed(second))).toMatchObject({ type: "message.sent" });
    await expect(row).toHaveAttribute("data-attempts", "2");
    await expect(row).toHaveAttribute("data-status", "succeeded");
    await expect(rows).toHaveCount(1);

    // The page with its log at phone and desktop width: never wider than the window.
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await expect(row).toBeVisible();
      const { scroll, viewport } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
      }));
      expect(scroll).toBeLessThanOrEqual(viewport);
      await page.screenshot({ path: `test-results/narrow/webhooks-${width}.png`, fullPage: true });
    }
  } finally {
    await receiver.close();
  }
});
