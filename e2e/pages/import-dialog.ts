import { expect, type Locator, type Page } from "@playwright/test";

/** The contacts page's CSV import dialog: file, column mapping with preview, list picker, progress. */
export class ImportDialog {
  readonly dialog: Locator;

  constructor(private readonly page: Page) {
    this.dialog = page.getByTestId("import-dialog");
  }

  async open() {
    await this.page.goto("/contacts");
    await this.page.getByTestId("import-contacts").click();
    await expect(this.dialog).toBeVisible();
  }

  /** Chooses the file and waits for the browser-side preview of its first rows. */
  async choose(file: string) {
    await this.page.getByTestId("import-file").setInputFiles(file);
    await expect(this.page.getByTestId("import-mapping")).toBeVisible();
  }

  /** The target select of the column at this place in the header. */
  target(column: number): Locator {
    return this.page.getByTestId(`import-map-${column}`);
  }

  async mapTo(column: number, target: string, attributeName?: string) {
    await this.target(column).selectOption(target);
    if (attributeName !== undefined)
      await this.page.getByTestId(`import-map-attr-${column}`).fill(attributeName);
  }

  previewRows(): Locator {
    return this.page.getByTestId("import-preview-row");
  }

  /** Makes a list with the picker's "New list…" option; it becomes the chosen list. */
  async createList(name: string) {
    await this.page.getByTestId("import-list").selectOption("__new__");
    await this.page.getByTestId("import-new-list-name").fill(name);
    await this.page.getByTestId("import-new-list-create").click();
    await expect(this.page.getByTestId("import-new-list")).toHaveCount(0);
    await expect(this.page.getByTestId("import-list").locator("option:checked")).toHaveText(name);
  }

  /** Starts the import and waits for it to finish. */
  async importAndWait() {
    await this.page.getByTestId("import-submit").click();
    await expect(this.page.getByTestId("import-status")).toHaveText("completed", { timeout: 60_000 });
  }

  count(which: "processed" | "imported" | "failed"): Locator {
    return this.page.getByTestId(`import-${which}`);
  }

  /** Downloads the full error report and returns its text. */
  async downloadErrors(): Promise<string> {
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      this.page.getByTestId("import-errors-download").click(),
    ]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks).toString("utf8");
  }
}
