import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";

export class ReportsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/reports");
  }

  /** Picks a report and format, downloads it, and answers the file's name and bytes. */
  async download(type: string, format: "pdf" | "csv" | "json", range = "30") {
    await this.page.getByTestId("report-type").selectOption(type);
    await this.page.getByTestId("report-range").selectOption(range);
    await this.page.getByTestId("report-format").selectOption(format);
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      this.page.getByTestId("report-download-button").click(),
    ]);
    const file = await download.path();
    return { filename: download.suggestedFilename(), bytes: await readFile(file) };
  }

  async createSchedule(opts: { type: string; format: string; frequency: string; recipients: string }) {
    await this.page.getByTestId("schedule-new").click();
    const dialog = this.page.getByTestId("schedule-dialog");
    await dialog.getByTestId("schedule-type").selectOption(opts.type);
    await dialog.getByTestId("schedule-format").selectOption(opts.format);
    await dialog.getByTestId("schedule-frequency").selectOption(opts.frequency);
    await dialog.getByTestId("schedule-recipients").fill(opts.recipients);
    await dialog.getByTestId("schedule-save").click();
  }
}
