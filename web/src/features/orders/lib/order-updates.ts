// Live order state for the payment screen: the WebSocket /api/v1/ws (docs/live.md) pushes each change of the order;
// GET /api/v1/orders/{uuid} is asked at once and then, as a backstop, every few seconds (every 1.5 s while the
// socket is down), so a proxy that drops WebSockets only makes updates slower.
import type { Api } from "@/lib/api-client";
import { orderSchema, type Order } from "@/lib/schemas";
import { getOrder } from "../api/orders";

export const finalStates: ReadonlySet<Order["state"]> = new Set(["paid", "expired", "canceled", "failed", "refunded"]);

/** The socket's URL for the page at `location` (ws:// or wss:// on the same host). */
export function liveUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/ws`;
}

/** Calls onUpdate with each new state of the order until it is final or the returned stop function is called. */
export function watchOrder(api: Api, uuid: string, onUpdate: (order: Order) => void, intervalMs = 1500): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let socket: WebSocket | undefined;
  let live = false;
  let last = "";
  const seen = (order: Order) => {
    if (stopped || order.uuid !== uuid) return;
    if (order.state !== last) {
      last = order.state;
      onUpdate(order);
    }
    if (finalStates.has(order.state)) stop();
  };
  const tick = async () => {
    try {
      seen(await getOrder(api, uuid));
    } catch {
      // a network blip: try again on the next tick
    }
    if (!stopped) timer = setTimeout(() => void tick(), live ? intervalMs * 4 : intervalMs);
  };
  const connect = () => {
    const token = api.sessionToken;
    if (!token || typeof WebSocket === "undefined" || typeof window === "undefined") return;
    try {
      socket = new WebSocket(liveUrl(window.location));
    } catch {
      return;
    }
    socket.onopen = () => {
      live = true;
      socket?.send(JSON.stringify({ type: "auth", token }));
      socket?.send(JSON.stringify({ type: "subscribe", order_uuid: uuid }));
    };
    socket.onmessage = (event: MessageEvent) => {
      try {
        const message = JSON.parse(String(event.data)) as { type?: string; order?: unknown };
        const parsed = message.type === "order" ? orderSchema.safeParse(message.order) : null;
        if (parsed?.success) seen(parsed.data);
      } catch {
        // not ours to understand: the poll still runs
      }
    };
    socket.onclose = () => {
      live = false;
    };
  };
  function stop() {
    stopped = true;
    if (timer) clearTimeout(timer);
    socket?.close();
  }
  connect();
  void tick();
  return stop;
}
