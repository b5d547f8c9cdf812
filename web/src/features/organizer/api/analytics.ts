// GET /api/v1/events/{event_uuid}/stats (per ticket type) and GET /api/v1/events/{event_uuid}/sales (per day).
import { useQuery } from "@tanstack/react-query";
import { z } from "zod";
import type { Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer } from "@/lib/openapi";
import { queryKeys } from "@/lib/query-keys";
import { amountSchema, currencySchema } from "@/lib/schemas";

export const statsSchema = z.object({
  ticket_types: z.array(
    z.object({
      ticket_type_id: z.number().int(),
      name: z.string(),
      supply: z.number().int().nullish(),
      sold: z.number().int(),
      reserved: z.number().int(),
      currency: currencySchema.default("TON"),
      revenue: amountSchema,
      checked_in: z.number().int(),
    }),
  ),
  totals: z.object({
    sold: z.number().int(),
    reserved: z.number().int(),
    revenue: amountSchema,
    revenue_by_currency: z.partialRecord(currencySchema, amountSchema).optional(),
    checked_in: z.number().int(),
  }),
});
export type Stats = z.output<typeof statsSchema>;
conforms<Stats, ApiAnswer<"getEventStats">>(true);

export const salesSchema = z.object({
  days: z.array(
    z.object({
      day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      start: z.number().int(),
      orders: z.number().int(),
      tickets: z.number().int(),
      revenue: amountSchema,
      currency: currencySchema,
      refunded_orders: z.number().int(),
    }),
  ),
});
export type Sales = z.output<typeof salesSchema>;
conforms<Sales, ApiAnswer<"getEventSales">>(true);

export function getStats(api: Api, uuid: string): Promise<Stats> {
  return api.request(statsSchema, `/api/v1/events/${encodeURIComponent(uuid)}/stats`);
}

export function getSales(api: Api, uuid: string): Promise<Sales> {
  return api.request(salesSchema, `/api/v1/events/${encodeURIComponent(uuid)}/sales`);
}

export function useStats(uuid: string) {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.stats(uuid), queryFn: () => getStats(api, uuid) });
}

export function useSales(uuid: string) {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.sales(uuid), queryFn: () => getSales(api, uuid) });
}
