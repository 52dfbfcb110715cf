// One way to show money everywhere in the console (pure: the browser and the server
// both import it). Two decimals, and up to four where an amount is a fraction of a
// cent (per-segment SMS prices); a fixed locale so server and browser render alike.

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string | null): Intl.NumberFormat {
  const key = currency ?? "";
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat("en-US", {
      ...(currency ? { style: "currency" as const, currency } : {}),
      minimumFractionDigits: 2,
      maximumFractionDigits: 4,
    });
    formatters.set(key, f);
  }
  return f;
}

/** "$0.0079", "€12.50", "0.25" without a currency; "—" when there is no amount. */
export function formatMoney(amount: number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return "—";
  try {
    return formatter(currency ?? null).format(amount);
  } catch {
    // An unknown currency code: the number as the other amounts show it, then the code.
    return `${formatter(null).format(amount)} ${currency}`;
  }
}
