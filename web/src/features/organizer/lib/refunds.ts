// What the guest list says about an order's money, and what canceling the event will do to paid orders
// (docs/payments.md: refunds go pending → queued → sent, or failed).
import { sumUnits } from "@/lib/money";
import type { EventOrder } from "../api/guests";

export type MoneyState = "paid" | "refund_pending" | "refund_sent" | "refund_failed" | "refunded";

/** One word for an order's money: paid, or where its refund is (the least advanced refund row decides). */
export function moneyState(order: EventOrder): MoneyState {
  const back = order.refunds.filter((r) => r.reason === "order_refunded");
  if (order.state === "paid" && back.length === 0) return "paid";
  if (back.some((r) => r.state === "failed")) return "refund_failed";
  if (back.some((r) => r.state === "pending" || r.state === "queued")) return "refund_pending";
  if (back.length > 0 && back.every((r) => r.state === "sent")) return "refund_sent";
  return "refunded";
}

export const moneyStateLabel: Record<MoneyState, string> = {
  paid: "paid",
  refund_pending: "refund on its way",
  refund_sent: "refunded (sent)",
  refund_failed: "refund failed",
  refunded: "refunded",
};

/** Whether an order has money to send back: paid, and not free. */
export function refundable(order: EventOrder): boolean {
  return order.state === "paid" && order.total_price !== "0";
}

/** The paid orders a cancel would refund (free ones have nothing to send back): how many and how much (per currency). */
export function refundOnCancel(orders: EventOrder[]): { count: number; totals: Record<string, string> } {
  const paid = orders.filter(refundable);
  const byCurrency: Record<string, string[]> = {};
  for (const o of paid) (byCurrency[o.currency] ??= []).push(o.total_price);
  return { count: paid.length, totals: Object.fromEntries(Object.entries(byCurrency).map(([c, amounts]) => [c, sumUnits(amounts)])) };
}

/** The order of each ticket, by its uuid, for the guest list's columns. */
export function ordersByUuid(orders: EventOrder[]): Map<string, EventOrder> {
  return new Map(orders.map((o) => [o.uuid, o]));
}
