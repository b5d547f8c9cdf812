// GET/POST /api/v1/events/{event_uuid}/promo-codes.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer, type ApiBody, type ApiSchema } from "@/lib/openapi";
import { amountSchema, currencySchema, listOf } from "@/lib/schemas";

export const promoCodeSchema = z.object({
  id: z.number().int().optional(),
  code: z.string(),
  discount_percent: z.number().int().nullish(),
  discount_amount: amountSchema.nullish(),
  currency: currencySchema.nullish(),
  max_uses: z.number().int().nullish(),
  used_count: z.number().int().optional(),
  valid_from: z.number().int().nullish(),
  valid_until: z.number().int().nullish(),
  ticket_type_id: z.number().int().nullish(),
});
export type PromoCode = z.output<typeof promoCodeSchema>;
conforms<PromoCode, ApiSchema<"PromoCode">>(true);
conforms<{ items: PromoCode[] }, ApiAnswer<"listPromoCodes">>(true);

export type NewPromoCode = { code: string; discount_percent?: number; discount_amount?: string; max_uses?: number; ticket_type_id?: number };
conforms<NewPromoCode, ApiBody<"createPromoCode">>(true);

const key = (uuid: string) => ["promo-codes", uuid] as const;

export function usePromoCodes(uuid: string) {
  const api = useApi();
  return useQuery({ queryKey: key(uuid), queryFn: () => api.request(listOf(promoCodeSchema), `/api/v1/events/${encodeURIComponent(uuid)}/promo-codes`) });
}

export function useCreatePromoCode(uuid: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewPromoCode) => api.request(promoCodeSchema, `/api/v1/events/${encodeURIComponent(uuid)}/promo-codes`, { method: "POST", body }),
    onSuccess: () => client.invalidateQueries({ queryKey: key(uuid) }),
  });
}
