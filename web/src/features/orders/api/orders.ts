// POST /api/v1/orders (with Idempotency-Key), GET /api/v1/orders/{uuid}, GET /api/v1/me/orders; the payment
// screen follows one order live (lib/order-updates.ts) and keeps it in the query cache.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer, type ApiBody } from "@/lib/openapi";
import { queryKeys } from "@/lib/query-keys";
import { jettonTransferSchema, listOf, orderSchema, type JettonTransfer, type Order } from "@/lib/schemas";
import { finalStates, watchOrder } from "../lib/order-updates";

export type NewOrder = { event_uuid: string; ticket_type_id: number; quantity: number; promo_code?: string; access_code?: string };
conforms<NewOrder, ApiBody<"createOrder">>(true);

const orderListSchema = listOf(orderSchema);
conforms<Order, ApiAnswer<"getOrder">>(true);
conforms<Order, ApiAnswer<"createOrder", 201>>(true);
conforms<{ items: Order[] }, ApiAnswer<"listMyOrders">>(true);

export function createOrder(api: Api, order: NewOrder, idempotencyKey: string): Promise<Order> {
  return api.request(orderSchema, "/api/v1/orders", { method: "POST", body: order, headers: { "Idempotency-Key": idempotencyKey } });
}

export function getOrder(api: Api, uuid: string): Promise<Order> {
  return api.request(orderSchema, `/api/v1/orders/${encodeURIComponent(uuid)}`);
}

conforms<JettonTransfer, ApiAnswer<"getJettonTransfer">>(true);

/** The jetton transfer the wallet `owner` sends to pay a USDT order (GET /api/v1/orders/{uuid}/jetton-transfer). */
export function getJettonTransfer(api: Api, uuid: string, owner: string): Promise<JettonTransfer> {
  return api.request(jettonTransferSchema, `/api/v1/orders/${encodeURIComponent(uuid)}/jetton-transfer?owner=${encodeURIComponent(owner)}`);
}

export function getMyOrders(api: Api) {
  return api.request(orderListSchema, "/api/v1/me/orders");
}

export function useCreateOrder() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { order: NewOrder; idempotencyKey: string }) => createOrder(api, input.order, input.idempotencyKey),
    onSuccess: (order) => {
      client.setQueryData(queryKeys.order(order.uuid), order);
      void client.invalidateQueries({ queryKey: queryKeys.myOrders });
      if (order.state === "paid") void client.invalidateQueries({ queryKey: queryKeys.myTickets });
    },
  });
}

export function useMyOrders() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.myOrders, queryFn: () => getMyOrders(api) });
}

/** The order, kept current from the live socket (polling as a backstop) until it is final. */
export function useLiveOrder(uuid: string) {
  const api = useApi();
  const client = useQueryClient();
  const query = useQuery({ queryKey: queryKeys.order(uuid), queryFn: () => getOrder(api, uuid) });
  const settled = query.data ? finalStates.has(query.data.state) : false;
  useEffect(() => {
    if (settled) return;
    return watchOrder(api, uuid, (order) => {
      client.setQueryData(queryKeys.order(uuid), order);
      if (order.state === "paid") {
        void client.invalidateQueries({ queryKey: queryKeys.myTickets });
        void client.invalidateQueries({ queryKey: queryKeys.myOrders });
      }
    });
  }, [api, client, uuid, settled]);
  return query;
}
