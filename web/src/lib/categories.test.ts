import { describe, expect, it } from "vitest";
import { categories, categoryIds, categoryLabel } from "./categories";

describe("categories", () => {
  it("have an English and a Russian label each", () => {
    for (const id of categoryIds) {
      expect(categories[id].en).not.toBe("");
      expect(categories[id].ru).not.toBe("");
      expect(categories[id].ru).not.toBe(categories[id].en);
    }
  });
  it("show an id in the language, and an unknown one as it is", () => {
    expect(categoryLabel("meetup", "ru")).toBe("Митап");
    expect(categoryLabel("meetup", "en")).toBe("Meetup");
    expect(categoryLabel("boat trip", "ru")).toBe("boat trip");
  });
});
