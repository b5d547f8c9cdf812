// GET /api/v1/events/{event_uuid}/registrations, POST .../registrations/{user_id}/approve|reject: the organizer's
// side of approval-only events.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import type { Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer, type ApiSchema } from "@/lib/openapi";
import { listOf } from "@/lib/schemas";

export const applicationSchema = z.object({
  user_id: z.number().int(),
  status: z.enum(["pending", "approved", "rejected"]),
  answer: z.string().nullish(),
  reason: z.string().nullish(),
  created_at: z.number().int().optional(),
  username: z.string().nullish(),
  first_name: z.string().optional(),
});
export type Application = z.output<typeof applicationSchema>;
conforms<Application, ApiSchema<"Registration">>(true);
conforms<{ items: Application[] }, ApiAnswer<"listRegistrations">>(true);

const key = (uuid: string) => ["applications", uuid] as const;

export function getApplications(api: Api, uuid: string) {
  return api.request(listOf(applicationSchema), `/api/v1/events/${encodeURIComponent(uuid)}/registrations`);
}

export function useApplications(uuid: string) {
  const api = useApi();
  return useQuery({ queryKey: key(uuid), queryFn: () => getApplications(api, uuid) });
}

export type Decision = { userId: number; approve: boolean; reason?: string };

export function decide(api: Api, uuid: string, d: Decision) {
  const path = `/api/v1/events/${encodeURIComponent(uuid)}/registrations/${d.userId}/${d.approve ? "approve" : "reject"}`;
  return api.request(applicationSchema, path, { method: "POST", ...(d.approve ? {} : { body: { reason: d.reason ?? "" } }) });
}

export function useDecide(uuid: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({ mutationFn: (d: Decision) => decide(api, uuid, d), onSuccess: () => client.invalidateQueries({ queryKey: key(uuid) }) });
}
