const DAY = 86_400_000;
const round6 = (n: number) => Number(n.toFixed(6));

/**
 * Every day of the budget's period: cumulative spend up to today and, from
 * today to the period's end, the straight line to the month-end projection.
 */
export function burnSeries(
  b: { period_start: string; period_end: string; projected_total: number },
  days: { key: string; cost: number }[],
  today: string,
) {
  const perDay = new Map(days.map((g) => [g.key, g.cost]));
  const start = Date.parse(`${b.period_start}T00:00:00Z`);
  const end = Date.parse(`${b.period_end}T00:00:00Z`);
  const todayAt = Math.min(Math.max(Date.parse(`${today}T00:00:00Z`), start), end);
  const span = Math.max((end - todayAt) / DAY, 1);
  const rows: { date: string; spent: number | null; projected: number | null }[] = [];
  let total = 0;
  for (let t = start; t <= end; t += DAY) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (t <= todayAt) total += perDay.get(date) ?? 0;
    const past = t <= todayAt;
    const step = (t - todayAt) / DAY;
    rows.push({
      date,
      spent: past ? round6(total) : null,
      // The projection starts where spend is today, so the two lines meet.
      projected:
        t >= todayAt ? round6(total + ((b.projected_total - total) * Math.max(step, 0)) / span) : null,
    });
  }
  return rows;
}
