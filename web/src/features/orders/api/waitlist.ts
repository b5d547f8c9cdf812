// POST/DELETE /api/v1/events/{event_uuid}/ticket-types/{id}/waitlist, GET /api/v1/me/waitlist.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer, type ApiSchema } from "@/lib/openapi";
import { listOf } from "@/lib/schemas";

export const waitlistEntrySchema = z.object({
  waitlist_id: z.number().int().optional(),
  ticket_type_id: z.number().int(),
  event_uuid: z.string(),
  status: z.enum(["waiting", "offered", "claimed", "lapsed", "left"]),
  position: z.number().int(),
  offer_expires_at: z.number().int().nullish(),
  created_at: z.number().int().optional(),
});
export type WaitlistEntry = z.output<typeof waitlistEntrySchema>;
conforms<WaitlistEntry, ApiSchema<"WaitlistEntry">>(true);
conforms<{ items: WaitlistEntry[] }, ApiAnswer<"listMyWaitlist">>(true);

const key = ["me", "waitlist"] as const;

/** The caller's waiting-list entries; while one waits, read again every few seconds (a seat may be offered). */
export function useMyWaitlist() {
  const api = useApi();
  return useQuery({
    queryKey: key,
    queryFn: () => api.request(listOf(waitlistEntrySchema), "/api/v1/me/waitlist"),
    refetchInterval: (q) => (q.state.data?.items.some((e) => e.status === "waiting") ? 3_000 : false),
  });
}

export function useJoinWaitlist(eventUuid: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ticketTypeId: number) =>
      api.request(waitlistEntrySchema, `/api/v1/events/${encodeURIComponent(eventUuid)}/ticket-types/${ticketTypeId}/waitlist`, { method: "POST" }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

export function useLeaveWaitlist(eventUuid: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ticketTypeId: number) =>
      api.request(waitlistEntrySchema, `/api/v1/events/${encodeURIComponent(eventUuid)}/ticket-types/${ticketTypeId}/waitlist`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}
