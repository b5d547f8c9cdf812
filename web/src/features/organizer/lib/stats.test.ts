import { describe, expect, it } from "vitest";
import { cumulative, currenciesIn, fillDays, percent } from "./stats";

const day = (d: string, tickets: number, revenue = "0", currency: "TON" | "USDT" | "XTR" = "TON") => ({
  day: d,
  start: Date.parse(`${d}T00:00:00Z`) / 1000,
  orders: tickets,
  tickets,
  revenue,
  currency,
  refunded_orders: 0,
});

describe("analytics figures", () => {
  it("fills the days without sales so the series keeps its time axis", () => {
    expect(fillDays([day("2026-11-28", 2, "3000000000"), day("2026-12-01", 1, "1500000000")])).toEqual([
      { day: "2026-11-28", tickets: 2, revenue: { TON: "3000000000" } },
      { day: "2026-11-29", tickets: 0, revenue: {} },
      { day: "2026-11-30", tickets: 0, revenue: {} },
      { day: "2026-12-01", tickets: 1, revenue: { TON: "1500000000" } },
    ]);
    expect(fillDays([])).toEqual([]);
    expect(fillDays([day("2026-01-01", 1), day("2026-12-31", 1)], 3).map((d) => d.day)).toEqual(["2026-12-29", "2026-12-30", "2026-12-31"]);
  });
  it("counts every currency's tickets together and keeps their revenue apart", () => {
    const days = fillDays([day("2026-12-01", 1, "1500000000"), day("2026-12-01", 2, "500", "XTR"), day("2026-12-02", 1, "250", "XTR")]);
    expect(days).toEqual([
      { day: "2026-12-01", tickets: 3, revenue: { TON: "1500000000", XTR: "500" } },
      { day: "2026-12-02", tickets: 1, revenue: { XTR: "250" } },
    ]);
    expect(currenciesIn(days)).toEqual(["TON", "XTR"]);
  });
  it("gives a rate without dividing by zero, and running totals", () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(0, 0)).toBe(0);
    expect(cumulative([2, 0, 1])).toEqual([2, 2, 3]);
  });
});

describe("the stats answer", () => {
  it("takes revenue for the currencies that have ticket types only", async () => {
    const { statsSchema } = await import("../api/analytics");
    const parsed = statsSchema.parse({
      ticket_types: [{ ticket_type_id: 1, name: "VIP", supply: 10, sold: 1, reserved: 0, currency: "TON", revenue: "1500000000", checked_in: 1 }],
      totals: { sold: 1, reserved: 0, revenue: "1500000000", revenue_by_currency: { TON: "1500000000" }, checked_in: 1 },
    });
    expect(parsed.totals.revenue_by_currency).toEqual({ TON: "1500000000" });
    expect(statsSchema.safeParse({ ...parsed, totals: { ...parsed.totals, revenue_by_currency: { DOGE: "1" } } }).success).toBe(false);
  });
});
