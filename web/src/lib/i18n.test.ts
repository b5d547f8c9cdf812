import { describe, expect, it } from "vitest";
import { formatDate, pickLanguage, translate } from "./i18n";

describe("i18n", () => {
  it("follows Telegram's language_code", () => {
    expect(pickLanguage("ru")).toBe("ru");
    expect(pickLanguage("ru-RU")).toBe("ru");
    expect(pickLanguage("uk")).toBe("ru");
    expect(pickLanguage("en")).toBe("en");
    expect(pickLanguage("de")).toBe("en");
    expect(pickLanguage(undefined)).toBe("en");
    expect(pickLanguage("")).toBe("en");
  });
  it("fills placeholders", () => {
    expect(translate("en", "buy", { amount: "2.5", currency: "TON" })).toBe("Buy for 2.5 TON");
    expect(translate("ru", "buy", { amount: "2.5", currency: "TON" })).toBe("Купить за 2.5 TON");
    expect(translate("en", "left", {})).toBe("{n} left");
  });
  it("formats dates in the event's time zone", () => {
    expect(formatDate("en", 0, "UTC")).toContain("1970");
    expect(formatDate("en", 0, "Not/A_Zone")).toContain("1970");
  });
});
