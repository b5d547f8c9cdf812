// POST /api/v1/events/{event_uuid}/self-check-in: a ticket holder checks in to an online event with the phrase the
// organizer reveals.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer } from "@/lib/openapi";
import { queryKeys } from "@/lib/query-keys";
import { ticketSchema } from "@/lib/schemas";

export const selfCheckInSchema = z.object({
  result: z.enum(["admitted", "already_used", "wrong_phrase"]),
  attempts_left: z.number().int().optional(),
  ticket: ticketSchema.nullish(),
});
export type SelfCheckIn = z.output<typeof selfCheckInSchema>;
conforms<SelfCheckIn, ApiAnswer<"selfCheckIn">>(true);

export function useSelfCheckIn(eventUuid: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (phrase: string) =>
      api.request(selfCheckInSchema, `/api/v1/events/${encodeURIComponent(eventUuid)}/self-check-in`, { method: "POST", body: { phrase } }),
    onSuccess: (r) => {
      if (r.result !== "wrong_phrase") void client.invalidateQueries({ queryKey: queryKeys.myTickets });
    },
  });
}
