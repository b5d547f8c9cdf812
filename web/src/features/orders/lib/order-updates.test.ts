import { afterEach, describe, expect, it, vi } from "vitest";

import type { Api } from "@/lib/api-client";
import type { Order } from "@/lib/schemas";
import { liveUrl, watchOrder } from "./order-updates";

/** A stand-in for the browser's WebSocket that records what the page sends and lets the test push messages. */
class FakeSocket {
  static last: FakeSocket | undefined;
  sent: string[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(text: string) {
    this.sent.push(text);
  }
  close() {
    this.closed = true;
  }
}

const order = (state: Order["state"]): Order => ({
  uuid: "o-1",
  state,
  event_uuid: "e-1",
  ticket_type_id: 1,
  quantity: 1,
  total_price: "1",
  currency: "TON",
  created_at: 1,
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("liveUrl", () => {
  it("follows the page's scheme and host", () => {
    expect(liveUrl({ protocol: "https:", host: "onton.example" })).toBe("wss://onton.example/api/v1/ws");
    expect(liveUrl({ protocol: "http:", host: "localhost:8080" })).toBe("ws://localhost:8080/api/v1/ws");
  });
});

describe("watchOrder", () => {
  it("signs in on the socket, follows the order and stops once it is final", async () => {
    vi.useFakeTimers();
    vi.stubGlobal("WebSocket", FakeSocket);
    vi.stubGlobal("window", { location: { protocol: "http:", host: "h:1" } });
    const api = { sessionToken: "tok", request: vi.fn(async () => order("created")) } as unknown as Api;
    const states: string[] = [];
    watchOrder(api, "o-1", (o) => states.push(o.state));
    const socket = FakeSocket.last!;
    expect(socket.url).toBe("ws://h:1/api/v1/ws");
    socket.onopen?.();
    expect(socket.sent.map((s) => JSON.parse(s))).toEqual([
      { type: "auth", token: "tok" },
      { type: "subscribe", order_uuid: "o-1" },
    ]);
    await vi.runOnlyPendingTimersAsync();
    expect(states).toEqual(["created"]);
    socket.onmessage?.({ data: JSON.stringify({ type: "order", order: order("created") }) });
    socket.onmessage?.({ data: JSON.stringify({ type: "order", order: { uuid: "other", state: "paid" } }) });
    socket.onmessage?.({ data: "not json" });
    expect(states).toEqual(["created"]);
    socket.onmessage?.({ data: JSON.stringify({ type: "order", order: order("paid") }) });
    expect(states).toEqual(["created", "paid"]);
    expect(socket.closed).toBe(true);
  });
});
