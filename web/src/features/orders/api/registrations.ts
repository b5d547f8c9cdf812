// GET /api/v1/events/{event_uuid}/registrations/me, POST /api/v1/events/{event_uuid}/registrations: applying to an
// approval-only event before ordering.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { ApiError, type Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer, type ApiSchema } from "@/lib/openapi";

export const registrationSchema = z.object({
  user_id: z.number().int(),
  status: z.enum(["pending", "approved", "rejected"]),
  answer: z.string().nullish(),
  reason: z.string().nullish(),
  created_at: z.number().int().optional(),
});
export type Registration = z.output<typeof registrationSchema>;
conforms<Registration, ApiSchema<"Registration">>(true);
conforms<Registration, ApiAnswer<"applyToEvent">>(true);

const key = (uuid: string) => ["registration", uuid] as const;

/** The caller's application, or null when they have not applied. */
export async function getMyRegistration(api: Api, uuid: string): Promise<Registration | null> {
  try {
    return await api.request(registrationSchema, `/api/v1/events/${encodeURIComponent(uuid)}/registrations/me`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function useMyRegistration(uuid: string, enabled: boolean) {
  const api = useApi();
  return useQuery({ queryKey: key(uuid), queryFn: () => getMyRegistration(api, uuid), enabled });
}

export function useApply(uuid: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (answer: string) =>
      api.request(registrationSchema, `/api/v1/events/${encodeURIComponent(uuid)}/registrations`, { method: "POST", body: answer ? { answer } : {} }),
    onSuccess: (r) => client.setQueryData(key(uuid), r),
  });
}
