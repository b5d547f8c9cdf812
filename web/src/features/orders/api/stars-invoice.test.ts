import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Api, ApiError } from "@/lib/api-client";
import { createStarsInvoice } from "./stars-invoice";

type Call = { url: string; init: RequestInit };

/** fetch answering `status` with `body`, recording each request. */
function fakeFetch(status: number, body: unknown): { calls: Call[] } {
  const calls: Call[] = [];
  vi.stubGlobal("fetch", (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));
  });
  return { calls };
}

beforeEach(() => {
  const store = new Map<string, string>([["session", "token-1"]]);
  vi.stubGlobal("sessionStorage", {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => store.set(k, v),
    removeItem: (k: string) => store.delete(k),
  });
});
afterEach(() => vi.unstubAllGlobals());

describe("POST /api/v1/orders/{uuid}/stars-invoice", () => {
  it("posts for the caller's order and returns the invoice link", async () => {
    const { calls } = fakeFetch(200, { order_uuid: "o 1", link: "https://t.me/$AbC-1_2", currency: "XTR", amount: "250", expires_at: 1800000000 });
    const invoice = await createStarsInvoice(new Api("session"), "o 1");
    expect(invoice).toEqual({ order_uuid: "o 1", link: "https://t.me/$AbC-1_2", currency: "XTR", amount: "250", expires_at: 1800000000 });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe("/api/v1/orders/o%201/stars-invoice");
    expect(calls[0]?.init.method).toBe("POST");
    expect((calls[0]?.init.headers as Record<string, string>).Authorization).toBe("Bearer token-1");
  });
  it("turns the API's refusals into ApiErrors", async () => {
    fakeFetch(409, { error: { code: "state.invalid_transition", message: "order is not awaiting payment", details: null } });
    const refused = createStarsInvoice(new Api("session"), "o-1");
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ status: 409, code: "state.invalid_transition" });
    fakeFetch(502, { error: { code: "payment.provider_unavailable", message: "Telegram did not answer" } });
    await expect(createStarsInvoice(new Api("session"), "o-1")).rejects.toMatchObject({ status: 502, code: "payment.provider_unavailable" });
  });
  it("rejects an answer of another shape", async () => {
    fakeFetch(200, { order_uuid: "o-1", link: "https://t.me/$x", currency: "TON", amount: "250", expires_at: null });
    await expect(createStarsInvoice(new Api("session"), "o-1")).rejects.toMatchObject({ code: "response.invalid" });
    fakeFetch(200, { order_uuid: "o-1", link: "https://t.me/$x", currency: "XTR", amount: "2.5", expires_at: null });
    await expect(createStarsInvoice(new Api("session"), "o-1")).rejects.toMatchObject({ code: "response.invalid" });
  });
});
