// GET /api/v1/events/{event_uuid}/guests (and .csv), GET /api/v1/events/{event_uuid}/orders,
// POST /api/v1/events/{event_uuid}/orders/{uuid}/refund (the event's managers).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import type { Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer } from "@/lib/openapi";
import { queryKeys } from "@/lib/query-keys";
import { amountSchema, currencySchema, listOf, ticketSchema } from "@/lib/schemas";

/** A guest or buyer as the panel lists them. */
const personSchema = z.object({ user_id: z.number().int(), username: z.string().nullish(), first_name: z.string(), last_name: z.string().nullish() });

export const guestSchema = ticketSchema.extend({
  holder: personSchema.optional(),
});
export type Guest = z.output<typeof guestSchema>;
conforms<{ items: Guest[] }, ApiAnswer<"listGuests">>(true);

export const refundSchema = z.object({
  reason: z.enum(["order_refunded", "payment_outcome"]),
  amount: amountSchema,
  state: z.enum(["pending", "queued", "sent", "failed"]),
  created_at: z.number().int().optional(),
});
export type Refund = z.output<typeof refundSchema>;

export const eventOrderSchema = z.object({
  uuid: z.string(),
  state: z.enum(["paid", "refunded"]),
  user_id: z.number().int(),
  buyer: personSchema.optional(),
  ticket_type_id: z.number().int(),
  ticket_type_name: z.string().optional(),
  quantity: z.number().int(),
  total_price: amountSchema,
  currency: currencySchema,
  created_at: z.number().int(),
  paid_at: z.number().int().nullish(),
  refunds: z.array(refundSchema),
});
export type EventOrder = z.output<typeof eventOrderSchema>;
const eventOrdersSchema = listOf(eventOrderSchema);
conforms<{ items: EventOrder[] }, ApiAnswer<"listEventOrders">>(true);

export type GuestFilters = { q: string; status: string; ticketTypeId?: number | null };

export function guestQuery(filters: GuestFilters): string {
  const query = new URLSearchParams();
  if (filters.q.trim()) query.set("q", filters.q.trim());
  if (filters.status) query.set("status", filters.status);
  if (filters.ticketTypeId) query.set("ticket_type_id", String(filters.ticketTypeId));
  return query.toString();
}

export function getGuests(api: Api, uuid: string, filters: GuestFilters) {
  return api.request(listOf(guestSchema), `/api/v1/events/${encodeURIComponent(uuid)}/guests?${guestQuery(filters)}`);
}

export function exportGuests(api: Api, uuid: string, filters: GuestFilters): Promise<Blob> {
  return api.blob(`/api/v1/events/${encodeURIComponent(uuid)}/guests.csv?${guestQuery(filters)}`);
}

export function getEventOrders(api: Api, uuid: string) {
  return api.request(eventOrdersSchema, `/api/v1/events/${encodeURIComponent(uuid)}/orders`);
}

/** The event's owner and co-organizers refund their guests' paid orders (the route is scoped to the event). */
export function refundOrder(api: Api, eventUuid: string, orderUuid: string) {
  return api.call(`/api/v1/events/${encodeURIComponent(eventUuid)}/orders/${encodeURIComponent(orderUuid)}/refund`, { method: "POST" });
}

export function useGuests(uuid: string, filters: GuestFilters) {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.guests(uuid, guestQuery(filters)), queryFn: () => getGuests(api, uuid, filters), placeholderData: keepPreviousData });
}

/** The event's orders; while a refund is on its way (pending or queued) they are read again every few seconds. */
export function useEventOrders(uuid: string) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.eventOrders(uuid),
    queryFn: () => getEventOrders(api, uuid),
    refetchInterval: (query) => (query.state.data?.items.some((o) => o.refunds.some((r) => r.state === "pending" || r.state === "queued")) ? 3_000 : false),
  });
}

export function useRefundOrder(eventUuid: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (orderUuid: string) => refundOrder(api, eventUuid, orderUuid),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: queryKeys.eventOrders(eventUuid) });
      void client.invalidateQueries({ queryKey: queryKeys.guests(eventUuid) });
      void client.invalidateQueries({ queryKey: queryKeys.stats(eventUuid) });
      void client.invalidateQueries({ queryKey: queryKeys.sales(eventUuid) });
    },
  });
}
