// Figures for the panel's analytics charts.
import type { Sales } from "../api/analytics";

/** checked_in / sold as a whole percentage, 0 when nothing is sold. */
export function percent(part: number, whole: number): number {
  return whole <= 0 ? 0 : Math.round((part * 100) / whole);
}

/**
 * The sales days with the empty days between them filled in (a chart over time must not close up gaps), at most
 * `maxDays` (the last ones).
 */
export function fillDays(days: Sales["days"], maxDays = 60): { day: string; tickets: number; revenue: string }[] {
  if (days.length === 0) return [];
  const byDay = new Map(days.map((d) => [d.day, d]));
  const first = days[0]!.start;
  const last = days[days.length - 1]!.start;
  const out: { day: string; tickets: number; revenue: string }[] = [];
  for (let t = first; t <= last; t += 86400) {
    const day = new Date(t * 1000).toISOString().slice(0, 10);
    const d = byDay.get(day);
    out.push({ day, tickets: d?.tickets ?? 0, revenue: d?.revenue ?? "0" });
  }
  return out.slice(-maxDays);
}

/** Running total of tickets over the days. */
export function cumulative(values: number[]): number[] {
  let total = 0;
  return values.map((v) => (total += v));
}
