// POST /api/v1/events/{event_uuid}/check-in and .../check-in/undo.
import { useMutation } from "@tanstack/react-query";
import { z } from "zod";
import type { Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer } from "@/lib/openapi";
import { ticketSchema } from "@/lib/schemas";

export const checkInResultSchema = z.object({
  result: z.enum(["admitted", "already_used", "invalid", "undone", "not_checked_in"]),
  reason: z.enum(["not_for_this_event", "unknown_code", "malformed", "not_valid"]).optional(),
  ticket: ticketSchema.nullable(),
  guest: z.object({ user_id: z.number().int(), name: z.string() }).optional(),
  checked_in_at: z.number().int().optional(),
  checked_in_by: z.number().int().optional(),
  checked_in_by_name: z.string().optional(),
});
export type CheckInResult = z.output<typeof checkInResultSchema>;
conforms<CheckInResult, ApiAnswer<"checkIn">>(true);
conforms<CheckInResult, ApiAnswer<"undoCheckIn">>(true);

export function checkIn(api: Api, eventUuid: string, code: string): Promise<CheckInResult> {
  return api.request(checkInResultSchema, `/api/v1/events/${encodeURIComponent(eventUuid)}/check-in`, { method: "POST", body: { code } });
}

/** Turns a ticket admitted by mistake back to valid (result `undone`, or `not_checked_in`). */
export function undoCheckIn(api: Api, eventUuid: string, code: string): Promise<CheckInResult> {
  return api.request(checkInResultSchema, `/api/v1/events/${encodeURIComponent(eventUuid)}/check-in/undo`, { method: "POST", body: { code } });
}

export function useCheckIn(eventUuid: string) {
  const api = useApi();
  return useMutation({ mutationFn: (code: string) => checkIn(api, eventUuid, code) });
}

export function useUndoCheckIn(eventUuid: string) {
  const api = useApi();
  return useMutation({ mutationFn: (code: string) => undoCheckIn(api, eventUuid, code) });
}

export type Verdict = { kind: "admitted" | "already_used" | "invalid" | "undone"; text: string; detail?: string };

/** The big answer the door sees. */
export function verdictOf(r: CheckInResult, time: (unix: number) => string = (u) => new Date(u * 1000).toLocaleTimeString()): Verdict {
  if (r.result === "admitted") return { kind: "admitted", text: "ADMITTED", detail: r.guest?.name };
  if (r.result === "already_used") {
    const when = r.checked_in_at ? ` at ${time(r.checked_in_at)}` : "";
    const by = r.checked_in_by_name ? ` by ${r.checked_in_by_name}` : r.checked_in_by ? ` by user ${r.checked_in_by}` : "";
    return { kind: "already_used", text: "ALREADY USED", detail: `${r.guest?.name ?? "This ticket"} was admitted${when}${by}` };
  }
  if (r.result === "undone") return { kind: "undone", text: "CHECK-IN UNDONE", detail: `${r.guest?.name ?? "The ticket"} may enter again` };
  if (r.result === "not_checked_in") return { kind: "undone", text: "NOT CHECKED IN", detail: "This ticket was not checked in: nothing to undo" };
  const why: Record<NonNullable<CheckInResult["reason"]>, string> = {
    not_for_this_event: "This is not a ticket of this event (or it is forged).",
    unknown_code: "No ticket of this event has this code.",
    malformed: "This is not a ticket code.",
    not_valid: "This ticket was refunded, transferred or canceled.",
  };
  return { kind: "invalid", text: "INVALID", detail: r.reason ? why[r.reason] : "No valid ticket for this event has this code." };
}
