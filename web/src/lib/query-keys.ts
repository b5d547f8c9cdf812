// The query cache's keys, in one place: a feature that changes data invalidates the keys of what it changed (the
// wallet link invalidates `me`, a refund the event's guests and orders) without importing another feature.
export const queryKeys = {
  me: ["me"] as const,
  events: (filters: Record<string, string>) => ["events", filters] as const,
  event: (uuid: string) => ["event", uuid] as const,
  myEvents: ["events", "mine"] as const,
  myTickets: ["me", "tickets"] as const,
  myOrders: ["me", "orders"] as const,
  order: (uuid: string) => ["order", uuid] as const,
  guests: (uuid: string, filters?: string) => (filters === undefined ? (["guests", uuid] as const) : (["guests", uuid, filters] as const)),
  eventOrders: (uuid: string) => ["event-orders", uuid] as const,
  stats: (uuid: string) => ["stats", uuid] as const,
  sales: (uuid: string) => ["sales", uuid] as const,
  roles: (uuid: string) => ["roles", uuid] as const,
};
