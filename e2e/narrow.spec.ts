import { expect, test } from "./fixtures";

// SPEC §10: every page works from 360 px up — the page never scrolls sideways (wide
// tables scroll inside their own box) and on narrow screens the navigation sits
// behind a menu button. Screenshots land in test-results/narrow/ for a human to look at.
const PAGES = [
  "dashboard",
  "providers",
  "templates",
  "contacts",
  "lists",
  "opt-outs",
  "campaigns",
  "messages",
  "outbox",
  "conversations",
  "billing",
  "costs",
  "reports",
  "audit",
  "settings",
] as const;

/** Each page's primary action, which must be on screen without sideways scrolling. */
const PRIMARY: Partial<Record<(typeof PAGES)[number], string>> = {
  providers: "add-provider",
  templates: "new-template",
  contacts: "add-contact",
  lists: "new-list",
  "opt-outs": "add-opt-out",
  campaigns: "new-campaign",
  messages: "compose-message",
  billing: "new-customer",
  settings: "add-member",
};

const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
] as const;

for (const size of SIZES) {
  test(`every console page fits ${size.width} px and its navigation is reachable`, async ({
    page,
    signedIn,
  }) => {
    expect(signedIn.role).toBe("admin");
    await page.setViewportSize(size);
    for (const name of PAGES) {
      await page.goto(`/${name}`);
      await expect(page.locator("main h1").first()).toBeVisible();
      // The widest content (tables) arrives with the first fetch; live pages keep polling, so this is bounded.
      await page.waitForLoadState("networkidle", { timeout: 2500 }).catch(() => undefined);
      const { scroll, viewport } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
      }));
      expect(scroll, `/${name} is ${scroll} px wide in a ${viewport} px window`).toBeLessThanOrEqual(
        viewport,
      );
      await page.screenshot({ path: `test-results/narrow/${name}-${size.width}.png`, fullPage: true });
      const primary = PRIMARY[name];
      if (primary) {
        const action = page.getByTestId(primary).first();
        await action.scrollIntoViewIfNeeded();
        await expect(action, `${name}'s primary action`).toBeInViewport();
      }
      const link = page.getByTestId(`nav-${name}`);
      if (size.width < 1024) {
        await expect(link).not.toBeInViewport();
        await page.getByTestId("menu-button").click();
        await expect(link).toBeInViewport();
        await page.keyboard.press("Escape");
        await expect(link).not.toBeInViewport();
      } else {
        await expect(page.getByTestId("menu-button")).toBeHidden();
        await expect(link).toBeInViewport();
      }
    }
  });
}

test("the sign-in page fits a phone", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto("/login");
  await expect(page.getByTestId("login-submit")).toBeInViewport();
  const { scroll, viewport } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(viewport);
  await page.screenshot({ path: "test-results/narrow/login-360.png", fullPage: true });
  await context.close();
});
