// POST /api/v1/orders/{uuid}/stars-invoice: the Telegram Stars invoice link of one of the caller's XTR orders
// (docs/payments.md, Paying in Stars). The payment screen opens the link with Telegram's invoice (lib/telegram.ts).
import { z } from "zod";
import type { Api } from "@/lib/api-client";
import { conforms, type ApiAnswer } from "@/lib/openapi";
import { amountSchema } from "@/lib/schemas";

export const starsInvoiceSchema = z.object({
  order_uuid: z.string(),
  /** https://t.me/$<slug>: for `web_app_open_invoice`, or for a Telegram app outside the Mini App. */
  link: z.url(),
  currency: z.literal("XTR"),
  /** whole Stars: the order's total */
  amount: amountSchema,
  expires_at: z.number().int().nullable(),
});
export type StarsInvoice = z.output<typeof starsInvoiceSchema>;
conforms<StarsInvoice, ApiAnswer<"createStarsInvoice">>(true);

/** Asks the platform for the order's invoice link (Telegram makes it; 409 once the order cannot be paid, 502 when Telegram did not answer). */
export function createStarsInvoice(api: Api, uuid: string): Promise<StarsInvoice> {
  return api.request(starsInvoiceSchema, `/api/v1/orders/${encodeURIComponent(uuid)}/stars-invoice`, { method: "POST" });
}
