// Figures for the panel's analytics charts.
import { currencies, sumUnits, type Currency } from "@/lib/money";
import type { Sales } from "../api/analytics";

/** checked_in / sold as a whole percentage, 0 when nothing is sold. */
export function percent(part: number, whole: number): number {
  return whole <= 0 ? 0 : Math.round((part * 100) / whole);
}

export type SalesDay = { day: string; tickets: number; revenue: Partial<Record<Currency, string>> };

/**
 * The sales days (one per UTC day, every currency's tickets counted together and its revenue kept apart) with the
 * empty days between them filled in (a chart over time must not close up gaps), at most `maxDays` (the last ones).
 */
export function fillDays(days: Sales["days"], maxDays = 60): SalesDay[] {
  if (days.length === 0) return [];
  const byDay = new Map<string, SalesDay>();
  for (const d of days) {
    const entry = byDay.get(d.day) ?? { day: d.day, tickets: 0, revenue: {} };
    entry.tickets += d.tickets;
    entry.revenue[d.currency] = sumUnits([entry.revenue[d.currency] ?? "0", d.revenue]);
    byDay.set(d.day, entry);
  }
  const first = Math.min(...days.map((d) => d.start));
  const last = Math.max(...days.map((d) => d.start));
  const out: SalesDay[] = [];
  for (let t = first; t <= last; t += 86400) {
    const day = new Date(t * 1000).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, tickets: 0, revenue: {} });
  }
  return out.slice(-maxDays);
}

/** The currencies that earned anything over these days, in the API's order. */
export function currenciesIn(days: SalesDay[]): Currency[] {
  const seen = new Set(days.flatMap((d) => Object.keys(d.revenue)));
  return (Object.keys(currencies) as Currency[]).filter((c) => seen.has(c));
}

/** Running total of tickets over the days. */
export function cumulative(values: number[]): number[] {
  let total = 0;
  return values.map((v) => (total += v));
}
