// Paying an order priced in Telegram Stars (payment method `stars_invoice`, docs/payments.md): what the payment
// screen offers, and what it says after Telegram's invoice closes. Pure; the screen is components/stars-pay.tsx.
import { ApiError } from "@/lib/api-client";
import type { MessageKey } from "@/lib/i18n";
import type { Order } from "@/lib/schemas";

export type PaymentMethod = NonNullable<Order["payment"]>["method"];

/**
 * What the payment screen offers for an order:
 * - `none`: nothing to pay (not awaiting payment, or no payment block);
 * - `transfer`: a TON or USDT transfer (amount, comment, address, the wallet link and TON Connect);
 * - `stars` with `opener` `invoice`: inside a Telegram client that opens invoices, Telegram's main button asks the
 *   invoice link and opens it in place (`web_app_open_invoice`), which reports how it closed;
 * - `stars` with `opener` `link`: in a browser (or a client without invoices) a button of the page's own opens the
 *   invoice link, which only a Telegram app can pay (the page says so); no status comes back, the live order does.
 */
export type PayAction = { kind: "none" } | { kind: "transfer" } | { kind: "stars"; opener: "invoice" | "link" };

export function payAction(order: Pick<Order, "state" | "payment">, telegram: { inside: boolean; invoices: boolean }): PayAction {
  if (order.state !== "created" || !order.payment) return { kind: "none" };
  if (order.payment.method !== "stars_invoice") return { kind: "transfer" };
  return { kind: "stars", opener: telegram.inside && telegram.invoices ? "invoice" : "link" };
}

/**
 * Where a Stars payment stands on this screen (the order's own state comes from the server):
 * `idle` (the pay button), `requesting` (asking for the link), `open` (the invoice is on screen), `opened` (the
 * link went to Telegram, no status comes back), `paid` and `pending` (Telegram charged or is charging: waiting for
 * the server's confirmation), `cancelled` and `failed` (the button again, with why), `error` (the link could not be
 * made).
 */
export type StarsStage =
  { step: "idle" | "requesting" | "open" | "opened" | "paid" | "pending" | "cancelled" | "failed" } | { step: "error"; key: MessageKey; message: string };

/** The stage after Telegram's `invoice_closed` status: `paid`, `pending`, `cancelled`; anything else is a failure. */
export function afterInvoice(status: string): StarsStage {
  switch (status) {
    case "paid":
      return { step: "paid" };
    case "pending":
      return { step: "pending" };
    case "cancelled":
      return { step: "cancelled" };
    default:
      return { step: "failed" };
  }
}

/** The stage when the invoice link could not be had or opened: the API's reason in words. */
export function invoiceError(error: unknown): StarsStage {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ApiError) {
    // 409 state.invalid_transition: no longer awaiting payment, or past its expiry.
    if (error.code === "state.invalid_transition") return { step: "error", key: "starsNotPayable", message };
    // 502: Telegram did not make the link; asking again may work.
    if (error.code === "payment.provider_unavailable") return { step: "error", key: "starsUnavailable", message };
  }
  return { step: "error", key: "error", message };
}

/** Whether the pay button is offered at this stage (again after a cancel, a failure or an error). */
export function canPay(stage: StarsStage): boolean {
  return stage.step === "idle" || stage.step === "cancelled" || stage.step === "failed" || stage.step === "error";
}

/** The message the screen shows at this stage, if any. */
export function stageMessage(stage: StarsStage): { key: MessageKey; params?: Record<string, string> } | null {
  switch (stage.step) {
    case "idle":
      return null;
    case "requesting":
      return { key: "starsRequesting" };
    case "open":
      return { key: "starsOpen" };
    case "opened":
      return { key: "starsOpened" };
    case "paid":
      return { key: "starsPaid" };
    case "pending":
      return { key: "starsPending" };
    case "cancelled":
      return { key: "starsCancelled" };
    case "failed":
      return { key: "starsFailed" };
    case "error":
      return { key: stage.key, params: { message: stage.message } };
  }
}
