// Live order state for the payment screen. It polls GET /api/v1/orders/{uuid} now; a WebSocket (/api/v1/ws) can
// replace this module later behind the same watchOrder signature.
import type { Api, Order } from "./api";

export const finalStates: ReadonlySet<Order["state"]> = new Set(["paid", "expired", "canceled", "failed", "refunded"]);

/** Calls onUpdate with each new state of the order until it is final or the returned stop function is called. */
export function watchOrder(api: Api, uuid: string, onUpdate: (order: Order) => void, intervalMs = 1500): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = "";
  const tick = async () => {
    try {
      const order = await api.call<Order>(`/api/v1/orders/${encodeURIComponent(uuid)}`);
      if (stopped) return;
      if (order.state !== last) {
        last = order.state;
        onUpdate(order);
      }
      if (finalStates.has(order.state)) return;
    } catch {
      // a network blip: try again on the next tick
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
