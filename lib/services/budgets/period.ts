/** The budget period (a UTC calendar month) holding `at`, as YYYY-MM-01, with its bounds. */
export function monthPeriod(at: Date): { start: string; from: Date; until: Date } {
  const from = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const until = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { start: from.toISOString().slice(0, 10), from, until };
}

/** Money as a decimal string with at most 6 decimals, for numeric parameters (never float arithmetic). */
export function decimal(n: number | string | null | undefined): string {
  if (n === null || n === undefined || n === "") return "0";
  const v = typeof n === "number" ? n.toFixed(6) : n;
  if (!/^-?\d+(\.\d+)?$/.test(v)) throw new Error(`not a decimal amount: ${v}`);
  return v;
}

/** A numeric from SQL (decimal string) as an API number with at most 6 decimals. */
export function money(v: string | number | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return Number(Number(v).toFixed(6));
}
