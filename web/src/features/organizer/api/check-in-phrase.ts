// PUT /api/v1/events/{event_uuid}/checkin-phrase: an online event's self check-in phrase (stored hashed).
import { useMutation } from "@tanstack/react-query";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiBody } from "@/lib/openapi";

conforms<{ phrase: string }, ApiBody<"setCheckInPhrase">>(true);

export function useSetCheckInPhrase(uuid: string) {
  const api = useApi();
  return useMutation({
    mutationFn: (phrase: string) => api.call(`/api/v1/events/${encodeURIComponent(uuid)}/checkin-phrase`, { method: "PUT", body: { phrase } }),
  });
}
