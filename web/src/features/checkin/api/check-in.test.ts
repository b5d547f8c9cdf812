import { describe, expect, it } from "vitest";
import { checkInResultSchema, verdictOf } from "./check-in";

describe("check-in verdicts", () => {
  it("say admitted, already used with when, or why a code is invalid", () => {
    expect(verdictOf(checkInResultSchema.parse({ result: "admitted", ticket: null, guest: { user_id: 1, name: "Ann" } }))).toEqual({
      kind: "admitted",
      text: "ADMITTED",
      detail: "Ann",
    });
    expect(verdictOf(checkInResultSchema.parse({ result: "already_used", ticket: null, checked_in_at: 60 }), () => "00:01").detail).toBe(
      "This ticket was admitted at 00:01",
    );
    expect(verdictOf(checkInResultSchema.parse({ result: "invalid", reason: "not_for_this_event", ticket: null })).detail).toMatch(
      /not a ticket of this event/,
    );
    expect(verdictOf(checkInResultSchema.parse({ result: "invalid", ticket: null })).kind).toBe("invalid");
    expect(checkInResultSchema.safeParse({ result: "maybe", ticket: null }).success).toBe(false);
  });
});
