import { describe, expect, it } from "vitest";
import { commentPayload } from "@/lib/ton";
import { transferRequest } from "./transfer";

describe("the TON Connect payment request", () => {
  const now = 1_800_000_000;
  it("sends exactly the order's amount with its comment, valid until the payment expires", () => {
    const payload = commentPayload("onton-7f3a");
    expect(transferRequest({ address: "EQabc", amount: "1500000000", validUntil: now + 600 }, payload, now)).toEqual({
      validUntil: now + 600,
      messages: [{ address: "EQabc", amount: "1500000000", payload }],
    });
  });
  it("keeps the window between a minute and 15 minutes", () => {
    expect(transferRequest({ address: "a", amount: "1", validUntil: now + 3600 }, "", now).validUntil).toBe(now + 900);
    expect(transferRequest({ address: "a", amount: "1", validUntil: now - 5 }, "", now).validUntil).toBe(now + 60);
  });
  it("refuses what is not a payable amount", () => {
    expect(() => transferRequest({ address: "a", amount: "0", validUntil: now }, "", now)).toThrow();
    expect(() => transferRequest({ address: "a", amount: "1.5", validUntil: now }, "", now)).toThrow();
  });
});
