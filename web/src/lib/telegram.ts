// The Mini App's side of Telegram: launch parameters from the URL hash (what Telegram appends when it opens the app),
// and a small bridge for the main button, back button, haptics and theme. Telegram clients take events through
// window.TelegramWebviewProxy.postEvent (mobile), window.external.notify (desktop) or postMessage to the parent
// frame (web), and send events to window.Telegram.WebView.receiveEvent. Outside Telegram every call is a no-op and
// the page draws its own buttons, so a plain browser works for development.

export type TelegramUser = { id: number; first_name?: string; username?: string; language_code?: string };

export type LaunchParams = {
  initData: string | null;
  user: TelegramUser | null;
  startParam: string | null;
  platform: string | null;
  theme: Record<string, string>;
};

/** Parses the fields of raw initData (URL-encoded pairs); the `user` field is JSON. */
export function parseInitData(raw: string): { user: TelegramUser | null; startParam: string | null; hash: string | null; authDate: number | null } {
  const p = new URLSearchParams(raw);
  let user: TelegramUser | null = null;
  const u = p.get("user");
  if (u) {
    try {
      const parsed = JSON.parse(u) as unknown;
      if (parsed && typeof parsed === "object" && typeof (parsed as TelegramUser).id === "number") user = parsed as TelegramUser;
    } catch {
      user = null;
    }
  }
  const auth = p.get("auth_date");
  return {
    user,
    startParam: p.get("start_param"),
    hash: p.get("hash"),
    authDate: auth && /^[0-9]+$/.test(auth) ? Number(auth) : null,
  };
}

/**
 * The page a link names in its hash (`#/events/<uuid>`, `#/tickets`: the bot's and the notifications' buttons open
 * the Mini App so) and the launch parameters Telegram adds after it (`?tgWebAppData=...` or `&tgWebAppData=...`).
 */
export function splitHashRoute(hash: string): { route: string | null; params: string } {
  const h = hash.replace(/^#/, "");
  if (!h.startsWith("/")) return { route: null, params: h };
  const cut = h.search(/[?&]/);
  const route = cut < 0 ? h : h.slice(0, cut);
  return { route: /^\/(events\/[A-Za-z0-9-]+|tickets|orders)$/.test(route) ? route : null, params: cut < 0 ? "" : h.slice(cut + 1) };
}

/** Launch parameters from a location hash such as `#tgWebAppData=...&tgWebAppThemeParams=...`. */
export function parseLaunchParams(hash: string): LaunchParams {
  const p = new URLSearchParams(splitHashRoute(hash).params);
  const initData = p.get("tgWebAppData");
  let theme: Record<string, string> = {};
  const t = p.get("tgWebAppThemeParams");
  if (t) {
    try {
      theme = JSON.parse(t) as Record<string, string>;
    } catch {
      theme = {};
    }
  }
  const parsed = initData ? parseInitData(initData) : null;
  return {
    initData: initData && parsed?.hash ? initData : null,
    user: parsed?.user ?? null,
    startParam: parsed?.startParam ?? p.get("tgWebAppStartParam"),
    platform: p.get("tgWebAppPlatform"),
    theme,
  };
}

type Listener = (data: unknown) => void;
type WebView = { receiveEvent?: (type: string, data: unknown) => void };
type Host = Window & {
  TelegramWebviewProxy?: { postEvent: (type: string, data: string) => void };
  Telegram?: { WebView?: WebView };
  external?: { notify?: (message: string) => void };
};

const listeners = new Map<string, Set<Listener>>();
let insideTelegram = false;

function post(type: string, data: Record<string, unknown> = {}): void {
  if (!insideTelegram) return;
  const w = window as Host;
  const payload = JSON.stringify(data);
  if (w.TelegramWebviewProxy) w.TelegramWebviewProxy.postEvent(type, payload);
  else if (typeof w.external?.notify === "function") w.external.notify(JSON.stringify({ eventType: type, eventData: data }));
  else if (window.parent !== window) window.parent.postMessage(JSON.stringify({ eventType: type, eventData: data }), "*");
}

/** Starts the bridge when the app runs inside Telegram (it was given tgWebAppData or a platform). */
export function startBridge(params: LaunchParams): boolean {
  insideTelegram = params.initData !== null && params.platform !== null;
  if (!insideTelegram) return false;
  const w = window as Host;
  w.Telegram = w.Telegram ?? {};
  w.Telegram.WebView = w.Telegram.WebView ?? {};
  w.Telegram.WebView.receiveEvent = (type, data) => listeners.get(type)?.forEach((l) => l(data));
  window.addEventListener("message", (e) => {
    try {
      const m = JSON.parse(String(e.data)) as { eventType?: string; eventData?: unknown };
      if (m.eventType) listeners.get(m.eventType)?.forEach((l) => l(m.eventData));
    } catch {
      // not a Telegram message
    }
  });
  post("web_app_ready");
  post("web_app_expand");
  return true;
}

export function isInsideTelegram(): boolean {
  return insideTelegram;
}

export function on(type: string, listener: Listener): () => void {
  const set = listeners.get(type) ?? new Set<Listener>();
  set.add(listener);
  listeners.set(type, set);
  return () => set.delete(listener);
}

export function setBackButton(visible: boolean): void {
  post("web_app_setup_back_button", { is_visible: visible });
}

export function setMainButton(button: { text: string; visible: boolean; active?: boolean }): void {
  post("web_app_setup_main_button", { is_visible: button.visible, is_active: button.active ?? true, text: button.text });
}

export function haptic(kind: "success" | "error" | "light"): void {
  if (kind === "light") post("web_app_trigger_haptic_feedback", { type: "impact", impact_style: "light" });
  else post("web_app_trigger_haptic_feedback", { type: "notification", notification_type: kind });
}

/** Whether a #rgb/#rrggbb colour is dark (relative luminance under one half), so the rest of the palette can follow. */
export function isDarkColor(color: string): boolean | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
  if (!m || !m[1]) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5;
}

/**
 * Applies Telegram's theme colours as CSS variables, and its light or dark scheme to the colours it does not give
 * (without a theme the system's preference decides).
 */
export function applyTheme(theme: Record<string, string>): void {
  const root = document.documentElement;
  const dark = theme.bg_color ? isDarkColor(theme.bg_color) : null;
  if (dark !== null) root.dataset.theme = dark ? "dark" : "light";
  const map: Record<string, string> = {
    bg_color: "--bg",
    text_color: "--text",
    hint_color: "--hint",
    link_color: "--link",
    button_color: "--accent",
    button_text_color: "--accent-text",
    secondary_bg_color: "--card",
  };
  for (const [key, variable] of Object.entries(map)) {
    const value = theme[key];
    if (value && /^#[0-9a-fA-F]{3,8}$/.test(value)) root.style.setProperty(variable, value);
  }
}

export function openLink(url: string): void {
  if (insideTelegram) post("web_app_open_link", { url });
  else window.open(url, "_blank", "noopener");
}
