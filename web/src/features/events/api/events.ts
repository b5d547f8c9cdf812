// GET /api/v1/events (public listing with filters), GET /api/v1/events/{event_uuid}.
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { z } from "zod";
import type { Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer } from "@/lib/openapi";
import { queryKeys } from "@/lib/query-keys";
import { eventSchema, type EventInfo } from "@/lib/schemas";

export const eventPageSchema = z.object({ items: z.array(eventSchema), next_cursor: z.string().nullable() });
conforms<z.output<typeof eventPageSchema>, ApiAnswer<"listEvents">>(true);

export type EventFilters = { q?: string; category?: string; when?: "upcoming" | "past" | "all"; limit?: number };

/** The listing's path; `cursor` is the previous page's next_cursor. */
export function eventsPath(filters: EventFilters, cursor?: string | null): string {
  const params = new URLSearchParams({ when: filters.when ?? "upcoming", limit: String(filters.limit ?? 50) });
  if (filters.q?.trim()) params.set("q", filters.q.trim());
  if (filters.category) params.set("category", filters.category);
  if (cursor) params.set("cursor", cursor);
  return `/api/v1/events?${params.toString()}`;
}

export function getEvents(api: Api, filters: EventFilters, cursor?: string | null) {
  return api.request(eventPageSchema, eventsPath(filters, cursor));
}

/** `code`: a hidden ticket type's access code (from the organizer's direct link), so that type is listed too. */
export function getEvent(api: Api, uuid: string, code?: string): Promise<EventInfo> {
  const query = code ? `?code=${encodeURIComponent(code)}` : "";
  return api.request(eventSchema, `/api/v1/events/${encodeURIComponent(uuid)}${query}`);
}

/** Every page of the listing the user scrolled to, following next_cursor ("Show more"). */
export function useEventPages(filters: EventFilters) {
  const api = useApi();
  const key = Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, String(v ?? "")]));
  return useInfiniteQuery({
    queryKey: [...queryKeys.events(key), "pages"],
    queryFn: ({ pageParam }) => getEvents(api, filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    placeholderData: keepPreviousData,
  });
}

export function useEvents(filters: EventFilters) {
  const api = useApi();
  const key = Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, String(v ?? "")]));
  return useQuery({ queryKey: queryKeys.events(key), queryFn: () => getEvents(api, filters), placeholderData: keepPreviousData });
}

export function useEvent(uuid: string, code?: string) {
  const api = useApi();
  return useQuery({
    queryKey: code ? [...queryKeys.event(uuid), code] : queryKeys.event(uuid),
    queryFn: () => getEvent(api, uuid, code),
    enabled: uuid !== "",
  });
}
