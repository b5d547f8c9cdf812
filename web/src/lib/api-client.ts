// The HTTP client every app uses: JSON in and out, the bearer token, every answer checked against its zod schema
// (src/lib/schemas.ts and the features' api/ folders), and the API's error body {"error": {"code", "message",
// "details"}} turned into an ApiError a form can show next to its fields.
import type { z } from "zod";

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

  /** The answer parsed by `schema`; an answer of another shape is an ApiError `response.invalid`. */
  async request<S extends z.ZodType>(schema: S, path: string, options: Options = {}): Promise<z.output<S>> {
    const body = await this.call(path, options);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ApiError(0, "response.invalid", `unexpected answer from ${path}: ${parsed.error.message}`, parsed.error.issues);
    }
    return parsed.data;
  }

  /** The raw JSON answer (or null for an empty one). */
  async call(path: string, options: Options = {}): Promise<unknown> {
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
    return parsed;
  }

  /** A file the API serves behind the bearer token (CSV exports), as a Blob to hand to the browser. */
  async blob(path: string): Promise<Blob> {
    const res = await fetch(path, { headers: this.token ? { Authorization: `Bearer ${this.token}` } : {} });
    if (!res.ok) throw toApiError(res.status, await res.json().catch(() => null));
    return res.blob();
  }
}

/** A fresh Idempotency-Key: the same one is resent when the buyer retries the same purchase. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
