// GET /api/v1/events (public listing with filters), GET /api/v1/events/{event_uuid}.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { z } from "zod";
import type { Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer } from "@/lib/openapi";
import { queryKeys } from "@/lib/query-keys";
import { eventSchema, type EventInfo } from "@/lib/schemas";

export const eventPageSchema = z.object({ items: z.array(eventSchema), next_cursor: z.string().nullable() });
conforms<z.output<typeof eventPageSchema>, ApiAnswer<"listEvents">>(true);

export type EventFilters = { q?: string; category?: string; when?: "upcoming" | "past" | "all"; limit?: number };

export function eventsPath(filters: EventFilters): string {
  const params = new URLSearchParams({ when: filters.when ?? "upcoming", limit: String(filters.limit ?? 50) });
  if (filters.q?.trim()) params.set("q", filters.q.trim());
  if (filters.category) params.set("category", filters.category);
  return `/api/v1/events?${params.toString()}`;
}

export function getEvents(api: Api, filters: EventFilters) {
  return api.request(eventPageSchema, eventsPath(filters));
}

export function getEvent(api: Api, uuid: string): Promise<EventInfo> {
  return api.request(eventSchema, `/api/v1/events/${encodeURIComponent(uuid)}`);
}

export function useEvents(filters: EventFilters) {
  const api = useApi();
  const key = Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, String(v ?? "")]));
  return useQuery({ queryKey: queryKeys.events(key), queryFn: () => getEvents(api, filters), placeholderData: keepPreviousData });
}

export function useEvent(uuid: string) {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.event(uuid), queryFn: () => getEvent(api, uuid), enabled: uuid !== "" });
}
