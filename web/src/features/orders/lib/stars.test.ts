import { describe, expect, it } from "vitest";
import { ApiError, toApiError } from "@/lib/api-client";
import { translate } from "@/lib/i18n";
import type { Order } from "@/lib/schemas";
import { afterInvoice, canPay, invoiceError, payAction, stageMessage, type StarsStage } from "./stars";

const payment = (method: "ton_transfer" | "jetton_transfer" | "stars_invoice"): NonNullable<Order["payment"]> => ({
  method,
  address: method === "stars_invoice" ? null : "EQplatform",
  amount: "250",
  comment: "onton-abc",
  expires_at: 1_800_000_000,
  link: null,
});
const inTelegram = { inside: true, invoices: true };
const inBrowser = { inside: false, invoices: false };

describe("what the payment screen offers", () => {
  it("a Stars order: Telegram's invoice inside a client that opens invoices, the invoice link elsewhere", () => {
    const order = { state: "created" as const, payment: payment("stars_invoice") };
    expect(payAction(order, inTelegram)).toEqual({ kind: "stars", opener: "invoice" });
    expect(payAction(order, inBrowser)).toEqual({ kind: "stars", opener: "link" });
    // A client too old for web_app_open_invoice still gets the link (a Telegram app opens it).
    expect(payAction(order, { inside: true, invoices: false })).toEqual({ kind: "stars", opener: "link" });
  });
  it("TON and USDT orders keep the transfer, wherever the app runs", () => {
    for (const method of ["ton_transfer", "jetton_transfer"] as const) {
      expect(payAction({ state: "created", payment: payment(method) }, inTelegram)).toEqual({ kind: "transfer" });
      expect(payAction({ state: "created", payment: payment(method) }, inBrowser)).toEqual({ kind: "transfer" });
    }
  });
  it("nothing once the order is no longer awaiting payment, or has no payment block", () => {
    for (const state of ["paid", "expired", "canceled", "failed", "refunded"] as const) {
      expect(payAction({ state, payment: payment("stars_invoice") }, inTelegram)).toEqual({ kind: "none" });
    }
    expect(payAction({ state: "created" }, inTelegram)).toEqual({ kind: "none" });
  });
});

describe("how the invoice closed", () => {
  it("maps Telegram's invoice_closed status", () => {
    expect(afterInvoice("paid")).toEqual({ step: "paid" });
    expect(afterInvoice("pending")).toEqual({ step: "pending" });
    expect(afterInvoice("cancelled")).toEqual({ step: "cancelled" });
    expect(afterInvoice("failed")).toEqual({ step: "failed" });
    expect(afterInvoice("something_new")).toEqual({ step: "failed" });
  });
  it("waits for the server after paid or pending, and offers the button again after cancelled or failed", () => {
    expect(canPay({ step: "idle" })).toBe(true);
    for (const status of ["paid", "pending"]) expect(canPay(afterInvoice(status))).toBe(false);
    for (const status of ["cancelled", "failed"]) expect(canPay(afterInvoice(status))).toBe(true);
    for (const step of ["requesting", "open", "opened"] as const) expect(canPay({ step })).toBe(false);
    expect(canPay(invoiceError(new Error("offline")))).toBe(true);
  });
  it("says each stage in English and Russian", () => {
    const say = (stage: StarsStage, lang: "en" | "ru") => {
      const m = stageMessage(stage);
      return m ? translate(lang, m.key, m.params) : null;
    };
    expect(say({ step: "idle" }, "en")).toBeNull();
    expect(say(afterInvoice("paid"), "en")).toBe("Paid. Waiting for the confirmation…");
    expect(say(afterInvoice("paid"), "ru")).toBe("Оплачено. Ждём подтверждения…");
    expect(say(afterInvoice("cancelled"), "en")).toBe("The invoice was closed without paying. Nothing was charged.");
    expect(say(afterInvoice("cancelled"), "ru")).toBe("Счёт закрыт без оплаты. Звёзды не списаны.");
    expect(say(afterInvoice("failed"), "en")).toBe("The payment did not go through. Try again.");
    expect(say({ step: "opened" }, "en")).toMatch(/went to Telegram/);
  });
});

describe("when the invoice link cannot be had", () => {
  it("names the API's reasons", () => {
    const expired = toApiError(409, { error: { code: "state.invalid_transition", message: "order is not awaiting payment" } });
    expect(invoiceError(expired)).toEqual({ step: "error", key: "starsNotPayable", message: "order is not awaiting payment" });
    const telegramDown = toApiError(502, { error: { code: "payment.provider_unavailable", message: "createInvoiceLink failed" } });
    expect(invoiceError(telegramDown)).toMatchObject({ step: "error", key: "starsUnavailable" });
    const other = new ApiError(409, "conflict", "the order is not priced in XTR", null);
    expect(invoiceError(other)).toEqual({ step: "error", key: "error", message: "the order is not priced in XTR" });
    const m = stageMessage(invoiceError(other));
    expect(m && translate("en", m.key, m.params)).toBe("Something went wrong: the order is not priced in XTR");
    expect(invoiceError("boom")).toEqual({ step: "error", key: "error", message: "boom" });
  });
});
