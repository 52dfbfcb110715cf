"use client";

import {
  type ColumnMapping,
  type ColumnTarget,
  FIELD_TARGETS,
  type FieldTarget,
  guessMapping,
} from "@/lib/services/contacts/column-mapping";

/** Bytes read from the start of the file for the preview: plenty for a header and five rows. */
const PREVIEW_BYTES = 64 * 1024;
export const PREVIEW_ROWS = 5;

export interface CsvPreview {
  header: string[];
  rows: string[][];
}

/**
 * Reads the header and the first rows in the browser, with csv-parse's browser
 * build (loaded only when a file is chosen). The slice is cut at its last line
 * break so a half-read record is not shown.
 */
export async function readCsvPreview(file: File): Promise<CsvPreview> {
  const { parse } = await import("csv-parse/browser/esm/sync");
  let text = await file.slice(0, PREVIEW_BYTES).text();
  if (file.size > PREVIEW_BYTES) {
    const cut = Math.max(text.lastIndexOf("\n"), text.lastIndexOf("\r"));
    if (cut > 0) text = text.slice(0, cut);
  }
  const records = parse(text, {
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    to: PREVIEW_ROWS + 1,
  }) as string[][];
  const [header = [], ...rows] = records;
  return { header: header.map((h) => h.trim()), rows };
}

/** One column's choice in the dialog: a field, ignore, or an attribute with its name. */
export interface ColumnChoice {
  target: FieldTarget | "attribute" | "ignore";
  attribute: string;
}

export function choicesFor(header: string[]): Record<string, ColumnChoice> {
  const guessed = guessMapping(header);
  const out: Record<string, ColumnChoice> = {};
  for (const [column, target] of Object.entries(guessed)) {
    out[column] = target.startsWith("attribute")
      ? { target: "attribute", attribute: target.startsWith("attribute:") ? target.slice(10) : column }
      : { target: target as FieldTarget | "ignore", attribute: column };
  }
  return out;
}

/** The mapping the API takes; also the problems that would make the server refuse it. */
export function mappingOf(choices: Record<string, ColumnChoice>): {
  mapping: ColumnMapping;
  problem?: string;
} {
  const mapping: ColumnMapping = {};
  const used = new Map<string, string>();
  let problem: string | undefined;
  for (const [column, c] of Object.entries(choices)) {
    let target: ColumnTarget = c.target;
    if (c.target === "attribute") {
      const name = c.attribute.trim();
      if (!name) problem ??= `Name the attribute for the column "${column}"`;
      target = name === column || !name ? "attribute" : `attribute:${name}`;
    }
    mapping[column] = target;
    if (c.target === "ignore") continue;
    const key = c.target === "attribute" ? `attribute "${c.attribute.trim() || column}"` : c.target;
    const first = used.get(key);
    if (first !== undefined) problem ??= `"${first}" and "${column}" both map to ${key}`;
    used.set(key, column);
  }
  if (!used.has("email") && !used.has("phone")) problem ??= "Map a column to email or phone";
  return { mapping, problem };
}

export const TARGET_LABELS: Record<ColumnChoice["target"], string> = {
  email: "Email",
  phone: "Phone",
  name: "Name",
  first_name: "First name",
  last_name: "Last name",
  timezone: "Time zone",
  locale: "Locale",
  attribute: "Attribute",
  ignore: "Ignore",
};

export const TARGET_OPTIONS: ColumnChoice["target"][] = [...FIELD_TARGETS, "attribute", "ignore"];
