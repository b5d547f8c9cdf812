// GET/POST /api/v1/events/{event_uuid}/roles, DELETE /api/v1/events/{event_uuid}/roles/{user_id}/{role}.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import type { Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer, type ApiBody } from "@/lib/openapi";
import { queryKeys } from "@/lib/query-keys";
import { listOf } from "@/lib/schemas";

export const roleSchema = z.object({
  user_id: z.number().int(),
  role: z.enum(["co_organizer", "checkin_staff"]),
  username: z.string().nullish(),
  first_name: z.string().optional(),
});
export type Role = z.output<typeof roleSchema>;
conforms<{ items: Role[] }, ApiAnswer<"listEventRoles">>(true);
/** A user by Telegram id, or by @username (of someone who has signed in to Onton). */
export type Grant = ({ user_id: number } | { username: string }) & { role: Role["role"] };
conforms<{ user_id: number; role: Role["role"] }, ApiBody<"grantEventRole">>(true);
conforms<{ username: string; role: Role["role"] }, ApiBody<"grantEventRole">>(true);

/** "@ann", "ann" → by username; "12345" → by id. */
export function grantOf(who: string, role: Role["role"]): Grant {
  const w = who.trim();
  return /^[0-9]+$/.test(w) ? { user_id: Number(w), role } : { username: w.replace(/^@/, ""), role };
}

export function getRoles(api: Api, uuid: string) {
  return api.request(listOf(roleSchema), `/api/v1/events/${encodeURIComponent(uuid)}/roles`);
}

export function useRoles(uuid: string) {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.roles(uuid), queryFn: () => getRoles(api, uuid) });
}

export function useGrantRole(uuid: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: Grant) => api.call(`/api/v1/events/${encodeURIComponent(uuid)}/roles`, { method: "POST", body: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.roles(uuid) }),
  });
}

export function useRevokeRole(uuid: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { user_id: number; role: Role["role"] }) =>
      api.call(`/api/v1/events/${encodeURIComponent(uuid)}/roles/${input.user_id}/${input.role}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.roles(uuid) }),
  });
}
