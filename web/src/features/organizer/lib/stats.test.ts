import { describe, expect, it } from "vitest";
import { percent, salesByDay } from "./stats";

describe("stats", () => {
  it("buckets sales by UTC day in order", () => {
    const day = 86400;
    expect(salesByDay([2 * day + 5, 0, 10, 2 * day])).toEqual([
      { day: "1970-01-01", count: 2 },
      { day: "1970-01-03", count: 2 },
    ]);
    expect(salesByDay([])).toEqual([]);
  });
  it("gives a rate without dividing by zero", () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(0, 0)).toBe(0);
  });
});
