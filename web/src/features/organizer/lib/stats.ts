// Figures for the panel's analytics that the stats endpoint does not give directly.

/** Tickets per UTC day of their creation ("2026-11-25" → n), days in order. */
export function salesByDay(createdAt: number[]): { day: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const t of createdAt) {
    const day = new Date(t * 1000).toISOString().slice(0, 10);
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, count]) => ({ day, count }));
}

/** checked_in / sold as a whole percentage, 0 when nothing is sold. */
export function percent(part: number, whole: number): number {
  return whole <= 0 ? 0 : Math.round((part * 100) / whole);
}
