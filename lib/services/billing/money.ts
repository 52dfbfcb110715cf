// Stripe counts money in the currency's smallest unit (cents; yen have none).
// Pure functions, shared by the invoice PDF and the billing pages.

/** Digits after the decimal point for a currency (2 for USD, 0 for JPY), as Intl knows them. */
export function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency: currency.toUpperCase() }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** An amount in the smallest unit, formatted for people ("$1,234.50"). */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const value = amount / 10 ** digits;
  try {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: currency.toUpperCase(),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  } catch {
    return `${value.toFixed(digits)} ${currency.toUpperCase()}`;
  }
}

/** "19.99" in USD → 1999; null when the text is not an amount with at most the currency's decimals. */
export function toMinorUnits(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const m = /^\s*(\d+)(?:[.,](\d*))?\s*$/.exec(text);
  if (!m) return null;
  const fraction = m[2] ?? "";
  if (fraction.length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
}
