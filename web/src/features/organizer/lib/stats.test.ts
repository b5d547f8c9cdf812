import { describe, expect, it } from "vitest";
import { cumulative, fillDays, percent } from "./stats";

const day = (d: string, tickets: number, revenue = "0") => ({
  day: d,
  start: Date.parse(`${d}T00:00:00Z`) / 1000,
  orders: tickets,
  tickets,
  revenue,
  currency: "TON" as const,
  refunded_orders: 0,
});

describe("analytics figures", () => {
  it("fills the days without sales so the series keeps its time axis", () => {
    expect(fillDays([day("2026-11-28", 2, "3000000000"), day("2026-12-01", 1, "1500000000")])).toEqual([
      { day: "2026-11-28", tickets: 2, revenue: "3000000000" },
      { day: "2026-11-29", tickets: 0, revenue: "0" },
      { day: "2026-11-30", tickets: 0, revenue: "0" },
      { day: "2026-12-01", tickets: 1, revenue: "1500000000" },
    ]);
    expect(fillDays([])).toEqual([]);
    expect(fillDays([day("2026-01-01", 1), day("2026-12-31", 1)], 3).map((d) => d.day)).toEqual(["2026-12-29", "2026-12-30", "2026-12-31"]);
  });
  it("gives a rate without dividing by zero, and running totals", () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(0, 0)).toBe(0);
    expect(cumulative([2, 0, 1])).toEqual([2, 2, 3]);
  });
});
