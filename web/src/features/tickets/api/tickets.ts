// GET /api/v1/me/tickets, POST /api/v1/tickets/{ticket_id}/transfer.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer, type ApiBody } from "@/lib/openapi";
import { queryKeys } from "@/lib/query-keys";
import { listOf, ticketSchema, type Ticket } from "@/lib/schemas";

const ticketListSchema = listOf(ticketSchema);
conforms<{ items: Ticket[] }, ApiAnswer<"listMyTickets">>(true);
conforms<{ to_user_id: number }, ApiBody<"transferTicket">>(true);

export function getMyTickets(api: Api) {
  return api.request(ticketListSchema, "/api/v1/me/tickets");
}

export function transferTicket(api: Api, ticketId: number, toUserId: number): Promise<Ticket> {
  return api.request(ticketSchema, `/api/v1/tickets/${ticketId}/transfer`, { method: "POST", body: { to_user_id: toUserId } });
}

/** My tickets; while an NFT is on its way (created or minting) the list asks again every few seconds. */
export function useMyTickets() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.myTickets,
    queryFn: () => getMyTickets(api),
    refetchInterval: (query) => (query.state.data?.items.some((t) => t.nft && (t.nft.state === "created" || t.nft.state === "mint_request")) ? 3_000 : false),
  });
}

export function useTransferTicket() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { ticketId: number; toUserId: number }) => transferTicket(api, input.ticketId, input.toUserId),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.myTickets }),
  });
}
