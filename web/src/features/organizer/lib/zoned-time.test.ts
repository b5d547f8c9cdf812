import { describe, expect, it } from "vitest";
import { fromZonedInput, isTimeZone, timeZones, toZonedInput } from "./zoned-time";

describe("wall-clock times in an event's zone", () => {
  it("read and write a zone without daylight saving", () => {
    // 2026-05-01 19:00 in Dubai (UTC+4) is 15:00 UTC.
    const unix = Date.UTC(2026, 4, 1, 15, 0) / 1000;
    expect(fromZonedInput("2026-05-01T19:00", "Asia/Dubai")).toBe(unix);
    expect(toZonedInput(unix, "Asia/Dubai")).toBe("2026-05-01T19:00");
    expect(toZonedInput(unix, "UTC")).toBe("2026-05-01T15:00");
  });
  it("follow daylight saving", () => {
    // Berlin is UTC+1 in January and UTC+2 in July.
    expect(fromZonedInput("2026-01-10T12:00", "Europe/Berlin")).toBe(Date.UTC(2026, 0, 10, 11, 0) / 1000);
    expect(fromZonedInput("2026-07-10T12:00", "Europe/Berlin")).toBe(Date.UTC(2026, 6, 10, 10, 0) / 1000);
    const july = Date.UTC(2026, 6, 10, 10, 0) / 1000;
    expect(toZonedInput(july, "Europe/Berlin")).toBe("2026-07-10T12:00");
  });
  it("round-trips across zones", () => {
    for (const zone of ["America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC"]) {
      const unix = Date.UTC(2026, 10, 3, 8, 30) / 1000;
      expect(fromZonedInput(toZonedInput(unix, zone), zone)).toBe(unix);
    }
  });
  it("refuse what is no time", () => {
    expect(fromZonedInput("", "UTC")).toBeNull();
    expect(fromZonedInput("tomorrow", "UTC")).toBeNull();
  });
  it("know zones", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(timeZones("Europe/Berlin")).toContain("Europe/Berlin");
    expect(timeZones("UTC")).toContain("UTC");
  });
});
