import { describe, expect, it } from "vitest";
import type { EventOrder } from "../api/guests";
import { moneyState, refundable, refundOnCancel } from "./refunds";

const order = (state: EventOrder["state"], refunds: EventOrder["refunds"] = [], total = "1500000000"): EventOrder => ({
  uuid: `o-${Math.random()}`,
  state,
  user_id: 1,
  ticket_type_id: 1,
  quantity: 1,
  total_price: total,
  currency: "TON",
  created_at: 1,
  refunds,
});

describe("refund states", () => {
  it("follows the order's refund rows", () => {
    expect(moneyState(order("paid"))).toBe("paid");
    // An excess refunded from a paid order does not make the order refunded.
    expect(moneyState(order("paid", [{ reason: "payment_outcome", amount: "5", state: "sent" }]))).toBe("paid");
    expect(moneyState(order("refunded", [{ reason: "order_refunded", amount: "1500000000", state: "pending" }]))).toBe("refund_pending");
    expect(moneyState(order("refunded", [{ reason: "order_refunded", amount: "1500000000", state: "queued" }]))).toBe("refund_pending");
    expect(moneyState(order("refunded", [{ reason: "order_refunded", amount: "1500000000", state: "sent" }]))).toBe("refund_sent");
    expect(
      moneyState(
        order("refunded", [
          { reason: "order_refunded", amount: "1", state: "sent" },
          { reason: "order_refunded", amount: "2", state: "failed" },
        ]),
      ),
    ).toBe("refund_failed");
    expect(moneyState(order("refunded"))).toBe("refunded");
  });
  it("sums what a cancel would send back, exactly", () => {
    expect(refundOnCancel([order("paid", [], "100000000"), order("paid", [], "200000000"), order("refunded", [], "999")])).toEqual({
      count: 2,
      totals: { TON: "300000000" },
    });
    expect(refundOnCancel([])).toEqual({ count: 0, totals: {} });
  });
  it("leaves free orders out: there is nothing to send back", () => {
    expect(refundable(order("paid", [], "0"))).toBe(false);
    expect(refundable(order("paid"))).toBe(true);
    expect(refundable(order("refunded"))).toBe(false);
    expect(refundOnCancel([order("paid", [], "0"), order("paid", [], "5")])).toEqual({ count: 1, totals: { TON: "5" } });
  });
});
