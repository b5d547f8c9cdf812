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
  it("say who admitted an already used ticket, and what an undo did", () => {
    const used = { result: "already_used", ticket: null, guest: { user_id: 1, name: "Ann" }, checked_in_at: 60, checked_in_by: 7 };
    expect(verdictOf(checkInResultSchema.parse({ ...used, checked_in_by_name: "Sam (@door)" }), () => "00:01").detail).toBe(
      "Ann was admitted at 00:01 by Sam (@door)",
    );
    expect(verdictOf(checkInResultSchema.parse(used), () => "00:01").detail).toBe("Ann was admitted at 00:01 by user 7");
    expect(verdictOf(checkInResultSchema.parse({ result: "undone", ticket: null, guest: { user_id: 1, name: "Ann" } }))).toEqual({
      kind: "undone",
      text: "CHECK-IN UNDONE",
      detail: "Ann may enter again",
    });
    expect(verdictOf(checkInResultSchema.parse({ result: "not_checked_in", ticket: null })).text).toBe("NOT CHECKED IN");
  });
});
