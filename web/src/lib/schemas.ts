// zod schemas of the API's shared objects (users, events, ticket types, tickets, orders), each tied to its OpenAPI
// schema so that drift fails the type check (src/lib/openapi.ts). Endpoint-specific answers live beside their
// fetchers in the features' api/ folders.
import { z } from "zod";
import { conforms, type ApiSchema } from "./openapi";

/** An amount in the currency's smallest unit (nanotons for TON), as a decimal string: never a float. */
export const amountSchema = z.string().regex(/^(0|[1-9][0-9]*)$/, "an amount in the smallest unit");

/** The currencies the API names (TON, USDT on TON, Telegram Stars); each has an entry in lib/money.ts. */
export const currencySchema = z.enum(["TON", "USDT", "XTR"]);

export const userSchema = z.object({
  user_id: z.number().int(),
  username: z.string().nullish(),
  first_name: z.string(),
  last_name: z.string().nullish(),
  language_code: z.string().nullish(),
  wallet_address: z.string().nullish(),
  role: z.enum(["user", "organizer", "admin"]),
  is_premium: z.boolean(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
});
export type User = z.output<typeof userSchema>;
conforms<User, ApiSchema<"User">>(true);

export const ticketTypeSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullish(),
  price: amountSchema,
  currency: currencySchema.default("TON"),
  supply: z.number().int().nullish(),
  per_user_limit: z.number().int().nullish(),
  is_nft: z.boolean().optional(),
  transferable: z.boolean().optional(),
  sale_start: z.number().int().nullish(),
  sale_end: z.number().int().nullish(),
  visibility: z.enum(["public", "hidden"]).optional(),
  access_code: z.string().optional(),
  sold: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int().nullish(),
});
export type TicketType = z.output<typeof ticketTypeSchema>;
conforms<TicketType, ApiSchema<"TicketType">>(true);

export const eventSchema = z.object({
  event_uuid: z.string(),
  title: z.string(),
  subtitle: z.string().nullish(),
  description: z.string().optional(),
  image_url: z.string().nullish(),
  location: z.string().nullish(),
  online_link: z.string().nullish(),
  start_date: z.number().int(),
  end_date: z.number().int(),
  timezone: z.string().optional(),
  participation_type: z.enum(["in_person", "online"]),
  visibility: z.enum(["public", "unlisted"]).optional(),
  status: z.enum(["draft", "pending_moderation", "published", "rejected", "canceled", "ended"]),
  category: z.string().nullish(),
  requires_approval: z.boolean().optional(),
  my_role: z.enum(["owner", "co_organizer", "checkin_staff", "admin"]).optional(),
  ticket_types: z.array(ticketTypeSchema).optional(),
});
export type EventInfo = z.output<typeof eventSchema>;
conforms<EventInfo, ApiSchema<"Event">>(true);

export const ticketNftSchema = z.object({
  state: z.enum(["created", "mint_request", "minted", "failed"]),
  index: z.number().int().nullish(),
  address: z.string().nullish(),
});

export const ticketSchema = z.object({
  id: z.number().int(),
  order_uuid: z.string(),
  event_uuid: z.string(),
  event_title: z.string(),
  event_start: z.number().int(),
  ticket_type_id: z.number().int(),
  ticket_type_name: z.string(),
  holder_id: z.number().int(),
  status: z.enum(["valid", "used", "refunded", "transferred", "canceled"]),
  check_in_code: z.string().optional(),
  qr_payload: z.string().optional(),
  checked_in_at: z.number().int().nullish(),
  created_at: z.number().int().optional(),
  nft: ticketNftSchema.nullish(),
});
export type Ticket = z.output<typeof ticketSchema>;
conforms<Ticket, ApiSchema<"Ticket">>(true);

export const orderStateSchema = z.enum(["created", "paid", "expired", "canceled", "failed", "refunded"]);
export type OrderState = z.output<typeof orderStateSchema>;

export const orderSchema = z.object({
  uuid: z.string(),
  state: orderStateSchema,
  event_uuid: z.string(),
  ticket_type_id: z.number().int(),
  quantity: z.number().int(),
  total_price: amountSchema,
  currency: currencySchema.default("TON"),
  expires_at: z.number().int().nullish(),
  paid_at: z.number().int().nullish(),
  created_at: z.number().int(),
  tickets: z.array(ticketSchema).optional(),
  payment: z
    .object({
      /** ton_transfer: Toncoin to `address`; jetton_transfer: USDT (a TEP-74 jetton of `jetton_master`) to it;
       * stars_invoice: Telegram Stars through the invoice POST /api/v1/orders/{uuid}/stars-invoice links to. */
      method: z.enum(["ton_transfer", "jetton_transfer", "stars_invoice"]).default("ton_transfer"),
      address: z.string().nullish(),
      jetton_master: z.string().nullish(),
      amount: amountSchema,
      comment: z.string(),
      expires_at: z.number().int(),
      link: z.string().nullish(),
    })
    .optional(),
});
export type Order = z.output<typeof orderSchema>;
conforms<Order, ApiSchema<"Order">>(true);

/** The message a wallet sends to pay a USDT order: to its own jetton wallet, with TON attached and the transfer body. */
export const jettonTransferSchema = z.object({
  order_uuid: z.string(),
  owner: z.string(),
  jetton_master: z.string(),
  jetton_wallet: z.string(),
  amount: amountSchema,
  payload: z.string(),
  jetton_amount: amountSchema,
  destination: z.string(),
  forward_ton_amount: amountSchema,
  comment: z.string(),
  expires_at: z.number().int().nullable(),
});
export type JettonTransfer = z.output<typeof jettonTransferSchema>;
conforms<JettonTransfer, ApiSchema<"JettonTransfer">>(true);

/** `{"items": [...]}`, the shape of the API's lists. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}
