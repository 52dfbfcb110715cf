import { type Options, type Stringifier, stringify } from "csv-stringify";

// A spreadsheet runs a cell beginning with one of these as a formula (OWASP "CSV
// injection"); a leading apostrophe makes it text, and spreadsheets hide it.
const FORMULA_START = /^[=+\-@\t\r]/;

/** The cell as a spreadsheet shows it as text: prefixed with `'` when it could start a formula. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Undoes neutraliseFormula, so that an exported file (e.g. a list) imports back as it was. */
export function restoreFormula(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

/**
 * The one CSV writer of the app (SPEC §11): csv-stringify with every string and
 * number cell passed through neutraliseFormula. Pipe rows of cells into it.
 */
const OPTIONS: Options = {
  cast: {
    string: (value) => neutraliseFormula(value),
    number: (value) => neutraliseFormula(String(value)),
    bigint: (value) => neutraliseFormula(String(value)),
  },
};

export function csvStringifier(): Stringifier {
  return stringify(OPTIONS);
}

const NEEDS_QUOTES = /[",\r\n]/;

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const text =
    typeof v === "string"
      ? v
      : typeof v === "number" || typeof v === "bigint"
        ? String(v)
        : typeof v === "boolean"
          ? v
            ? "1"
            : ""
          : v instanceof Date
            ? String(v.getTime())
            : JSON.stringify(v);
  const safe = neutraliseFormula(text);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * A batch of rows as CSV text, written exactly as csvStringifier writes them
 * (formula-safe cells, RFC 4180 quoting, "\n" line ends) but several times
 * faster, for exports streamed a page at a time.
 */
export function csvLines(rows: readonly (readonly unknown[])[]): string {
  let out = "";
  for (const r of rows) out += `${r.map(cell).join(",")}\n`;
  return out;
}
