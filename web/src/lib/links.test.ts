import { describe, expect, it } from "vitest";
import { miniAppLink } from "./links";

describe("miniAppLink", () => {
  it("opens the bot's Mini App with a start parameter", () => {
    expect(miniAppLink("abc-1", "onton_bot")).toBe("https://t.me/onton_bot/app?startapp=event_abc-1");
  });
  it("falls back to the web Mini App without a (valid) bot name", () => {
    expect(miniAppLink("abc-1", null)).toBe("/app/events/abc-1");
    expect(miniAppLink("abc-1", "evil/../x")).toBe("/app/events/abc-1");
  });
});
