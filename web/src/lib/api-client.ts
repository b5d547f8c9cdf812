// The HTTP client every app uses: JSON in and out, the bearer token, and the API's error body
// {"error": {"code", "message", "details"}} turned into an ApiError a form can show next to its fields.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
  /** The request field the API blamed (`details.field` of request.validation_failed), if any. */
  get field(): string | undefined {
    const d = this.details as { field?: unknown } | null | undefined;
    return d && typeof d.field === "string" ? d.field : undefined;
  }
}

/** Turns a response body (parsed or not) into an ApiError; a body that is not the API's error shape becomes `http.<status>`. */
export function toApiError(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (e && typeof e.code === "string") {
    return new ApiError(status, e.code, typeof e.message === "string" ? e.message : e.code, e.details ?? null);
  }
  return new ApiError(status, `http.${status}`, `HTTP ${status}`, null);
}

/** Field errors for a form: the blamed field → the message without its "field: " prefix; other errors under "". */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return { "": error instanceof Error ? error.message : String(error) };
  const field = error.field;
  if (!field) return { "": error.message };
  const prefix = `${field}: `;
  return { [field]: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message };
}

export type Session = { token: string; user: User };

export type User = {
  user_id: number;
  username?: string | null;
  first_name: string;
  last_name?: string | null;
  language_code?: string | null;
  role: "user" | "organizer" | "admin";
};

export type TicketType = {
  id: number;
  name: string;
  description?: string | null;
  price: string;
  currency: "TON";
  supply?: number | null;
  per_user_limit?: number | null;
  is_nft?: boolean;
  transferable?: boolean;
  sold: number;
  reserved: number;
  available?: number | null;
};

export type EventInfo = {
  event_uuid: string;
  title: string;
  subtitle?: string | null;
  description?: string;
  image_url?: string | null;
  location?: string | null;
  online_link?: string | null;
  start_date: number;
  end_date: number;
  timezone?: string;
  participation_type: "in_person" | "online";
  visibility?: "public" | "unlisted";
  status: string;
  category?: string | null;
  ticket_types?: TicketType[];
};

export type Ticket = {
  id: number;
  order_uuid: string;
  event_uuid: string;
  event_title: string;
  event_start: number;
  ticket_type_id: number;
  ticket_type_name: string;
  holder_id: number;
  status: "valid" | "used" | "refunded" | "transferred" | "canceled";
  check_in_code?: string;
  qr_payload?: string;
  checked_in_at?: number | null;
  created_at?: number;
  /** The ticket's NFT item, for NFT ticket types once paid (docs/nft.md). */
  nft?: { state: "created" | "mint_request" | "minted" | "failed"; index?: number | null; address?: string | null } | null;
};

export type Order = {
  uuid: string;
  state: "created" | "paid" | "expired" | "canceled" | "failed" | "refunded";
  event_uuid: string;
  ticket_type_id: number;
  quantity: number;
  total_price: string;
  expires_at?: number | null;
  paid_at?: number | null;
  created_at: number;
  tickets?: Ticket[];
  payment?: { address?: string | null; amount: string; comment: string; expires_at: number; link?: string | null };
};

export type CheckInResult = {
  result: "admitted" | "already_used" | "invalid" | "undone" | "not_checked_in";
  ticket?: Ticket | null;
  guest?: { user_id: number; name: string };
  checked_in_at?: number;
};

export type Guest = Ticket & { holder?: { user_id: number; username?: string | null; first_name: string; last_name?: string | null } };

export type Stats = {
  ticket_types: { ticket_type_id: number; name: string; supply?: number | null; sold: number; reserved: number; revenue: string; checked_in: number }[];
  totals: { sold: number; reserved: number; revenue: string; checked_in: number };
};

export type Role = { user_id: number; role: string; username?: string | null; first_name?: string };

type Options = { method?: string; body?: unknown; headers?: Record<string, string>; raw?: BodyInit; contentType?: string };

/** A client bound to one storage key for its session token (the Mini App and the panel keep separate sessions). */
export class Api {
  private token: string | null;
  private readonly storageKey: string;
  constructor(storageKey: string) {
    this.storageKey = storageKey;
    this.token = sessionStorage.getItem(storageKey);
  }
  get signedIn(): boolean {
    return this.token !== null;
  }
  /** The session token, for the live-update socket's first message (browsers cannot set its headers). */
  get sessionToken(): string | null {
    return this.token;
  }
  setToken(token: string | null): void {
    this.token = token;
    if (token) sessionStorage.setItem(this.storageKey, token);
    else sessionStorage.removeItem(this.storageKey);
  }

  async call<T>(path: string, options: Options = {}): Promise<T> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let body: BodyInit | undefined = options.raw;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    } else if (options.contentType) {
      headers["Content-Type"] = options.contentType;
    }
    const res = await fetch(path, { method: options.method ?? "GET", headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!res.ok) {
      if (res.status === 401) this.setToken(null);
      throw toApiError(res.status, parsed);
    }
    return parsed as T;
  }

  /** A file the API serves behind the bearer token (CSV exports), as a Blob to hand to the browser. */
  async blob(path: string): Promise<Blob> {
    const res = await fetch(path, { headers: this.token ? { Authorization: `Bearer ${this.token}` } : {} });
    if (!res.ok) throw toApiError(res.status, await res.json().catch(() => null));
    return res.blob();
  }

  async signInWithInitData(initData: string): Promise<Session> {
    const s = await this.call<Session>("/api/v1/auth/telegram", { method: "POST", body: { init_data: initData } });
    this.setToken(s.token);
    return s;
  }

  async signInWithWidget(payload: Record<string, string | number>): Promise<Session> {
    const s = await this.call<Session>("/api/v1/auth/telegram-login", { method: "POST", body: payload });
    this.setToken(s.token);
    return s;
  }
}

/** A fresh Idempotency-Key: the same one is resent when the buyer retries the same purchase. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
