// The panel's ticket-type form: what the organizer typed (prices in whole units of the chosen currency, dates on
// the event's clock) to the API's body, with each field's error next to it. Editing a type sends the same body
// (PATCH); the API refuses a price, currency or NFT change once tickets are sold, and supply below what is taken.
import { currencies, formatUnits, parseUnits, type Currency } from "@/lib/money";
import type { TicketType } from "@/lib/schemas";
import { fromZonedInput, toZonedInput } from "./zoned-time";

export type TicketTypeDraft = {
  name: string;
  description: string;
  currency: Currency;
  price: string;
  supply: string;
  perUserLimit: string;
  saleStart: string;
  saleEnd: string;
  transferable: boolean;
  visibility: "public" | "hidden";
  isNft: boolean;
};

export type TicketTypeBody = {
  name: string;
  description: string | null;
  currency: Currency;
  price: string;
  supply: number | null;
  per_user_limit: number | null;
  sale_start: number | null;
  sale_end: number | null;
  transferable: boolean;
  visibility: "public" | "hidden";
  is_nft: boolean;
};

export function emptyTicketType(): TicketTypeDraft {
  return {
    name: "",
    description: "",
    currency: "TON",
    price: "",
    supply: "",
    perUserLimit: "",
    saleStart: "",
    saleEnd: "",
    transferable: true,
    visibility: "public",
    isNft: false,
  };
}

/** The form's fields for an existing type (editing). */
export function ticketTypeDraftOf(t: TicketType, zone: string): TicketTypeDraft {
  return {
    name: t.name,
    description: t.description ?? "",
    currency: t.currency,
    price: formatUnits(t.price, currencies[t.currency].decimals),
    supply: t.supply == null ? "" : String(t.supply),
    perUserLimit: t.per_user_limit == null ? "" : String(t.per_user_limit),
    saleStart: t.sale_start == null ? "" : toZonedInput(t.sale_start, zone),
    saleEnd: t.sale_end == null ? "" : toZonedInput(t.sale_end, zone),
    transferable: t.transferable ?? true,
    visibility: t.visibility ?? "public",
    isNft: t.is_nft ?? false,
  };
}

const priceErrors = {
  empty: "enter a price (0 for free)",
  format: "a number, like 2.5",
  precision: "too many decimals for this currency",
  too_large: "too large",
};

function wholeNumber(text: string, min: number): number | null | "bad" {
  const t = text.trim();
  if (t === "") return null;
  if (!/^[0-9]+$/.test(t) || Number(t) < min) return "bad";
  return Number(t);
}

/** The API body, or the errors by the API's field names. */
export function ticketTypeBody(d: TicketTypeDraft, zone: string): { body?: TicketTypeBody; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!d.name.trim()) errors.name = "enter a name";
  const price = parseUnits(d.price, currencies[d.currency].decimals);
  if (!price.ok) errors.price = priceErrors[price.reason];
  const supply = wholeNumber(d.supply, 0);
  if (supply === "bad") errors.supply = "a whole number, or empty for unlimited";
  const limit = wholeNumber(d.perUserLimit, 1);
  if (limit === "bad") errors.per_user_limit = "a whole number from 1, or empty for no limit";
  const start = d.saleStart.trim() ? fromZonedInput(d.saleStart, zone) : null;
  if (d.saleStart.trim() && start === null) errors.sale_start = "enter a date and time";
  const end = d.saleEnd.trim() ? fromZonedInput(d.saleEnd, zone) : null;
  if (d.saleEnd.trim() && end === null) errors.sale_end = "enter a date and time";
  if (start !== null && end !== null && end < start) errors.sale_end = "must not be before the start of sales";
  if (Object.keys(errors).length || !price.ok || supply === "bad" || limit === "bad") return { errors };
  return {
    body: {
      name: d.name.trim(),
      description: d.description.trim() ? d.description : null,
      currency: d.currency,
      price: price.units,
      supply,
      per_user_limit: limit,
      sale_start: start,
      sale_end: end,
      transferable: d.transferable,
      visibility: d.visibility,
      is_nft: d.isNft,
    },
    errors,
  };
}

/** The direct link that sells a hidden type: the Mini App's event page with the type's access code. */
export function hiddenTypeLink(origin: string, eventUuid: string, accessCode: string): string {
  return `${origin}/app/events/${eventUuid}?code=${encodeURIComponent(accessCode)}`;
}
