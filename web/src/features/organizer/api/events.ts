// The organizer's events: GET /api/v1/events?mine=true, POST /api/v1/events, PATCH /api/v1/events/{uuid},
// POST .../publish|cancel|clone, POST .../ticket-types, PUT .../image.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import type { Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer, type ApiBody } from "@/lib/openapi";
import { queryKeys } from "@/lib/query-keys";
import { eventSchema, ticketTypeSchema, type EventInfo } from "@/lib/schemas";

const myEventsSchema = z.object({ items: z.array(eventSchema) });

export type EventBody = {
  title: string;
  description: string;
  participation_type: "in_person" | "online";
  start_date: number;
  end_date: number;
  visibility: "public" | "unlisted";
  subtitle?: string;
  category?: string;
  location?: string | null;
  online_link?: string | null;
};
conforms<EventBody, ApiBody<"createEvent">>(true);
export type TicketTypeBody = { name: string; price: string; is_nft: boolean; supply?: number; currency?: "TON" | "USDT" };
conforms<TicketTypeBody, ApiBody<"createTicketType">>(true);
conforms<EventInfo, ApiAnswer<"publishEvent">>(true);

export function getMyEvents(api: Api) {
  return api.request(myEventsSchema, "/api/v1/events?mine=true&when=all&limit=100");
}

export function useMyEvents() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.myEvents, queryFn: () => getMyEvents(api) });
}

export function saveEvent(api: Api, uuid: string | undefined, body: EventBody): Promise<EventInfo> {
  return uuid
    ? api.request(eventSchema, `/api/v1/events/${encodeURIComponent(uuid)}`, { method: "PATCH", body })
    : api.request(eventSchema, "/api/v1/events", { method: "POST", body });
}

export type EventAction = "publish" | "cancel" | "clone";

export function eventAction(api: Api, uuid: string, action: EventAction): Promise<EventInfo> {
  return api.request(eventSchema, `/api/v1/events/${encodeURIComponent(uuid)}/${action}`, { method: "POST" });
}

export function addTicketType(api: Api, uuid: string, body: TicketTypeBody) {
  return api.request(ticketTypeSchema, `/api/v1/events/${encodeURIComponent(uuid)}/ticket-types`, { method: "POST", body });
}

export function uploadImage(api: Api, uuid: string, file: File): Promise<EventInfo> {
  return api.request(eventSchema, `/api/v1/events/${encodeURIComponent(uuid)}/image`, { method: "PUT", raw: file, contentType: file.type });
}

/** After any change the event, the organizer's list and (a cancel refunds them) the event's orders are read again. */
function useEventChanged() {
  const client = useQueryClient();
  return (event: EventInfo) => {
    client.setQueryData(queryKeys.event(event.event_uuid), event);
    void client.invalidateQueries({ queryKey: queryKeys.myEvents });
  };
}

export function useSaveEvent(uuid: string | undefined) {
  const api = useApi();
  const changed = useEventChanged();
  return useMutation({ mutationFn: (body: EventBody) => saveEvent(api, uuid, body), onSuccess: changed });
}

export function useEventAction(uuid: string) {
  const api = useApi();
  const changed = useEventChanged();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: EventAction) => eventAction(api, uuid, action),
    onSuccess: (event, action) => {
      changed(event);
      if (action === "cancel") void client.invalidateQueries({ queryKey: queryKeys.eventOrders(uuid) });
    },
  });
}

export function useAddTicketType(uuid: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TicketTypeBody) => addTicketType(api, uuid, body),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.event(uuid) }),
  });
}

export function useUploadImage(uuid: string) {
  const api = useApi();
  const changed = useEventChanged();
  return useMutation({ mutationFn: (file: File) => uploadImage(api, uuid, file), onSuccess: changed });
}
