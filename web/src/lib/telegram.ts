// The Mini App's side of Telegram. Inside a Telegram client, @telegram-apps/sdk-react (the SDK) does the work: it
// reads the launch parameters and the raw init data, mounts the main and back buttons, the theme (bound to the
// page's CSS variables, light or dark), the viewport (expanded) and haptics, and talks to the client through its
// bridge. Outside Telegram (a plain browser, for development: `/app#tgWebAppData=<initData from onton admin
// init-data>`) nothing is mounted, every call below is a no-op and the pages draw their own buttons.
//
// The parsing helpers here stay ours for two reasons: the bot's buttons open pages as `/app#/tickets` (a route in
// front of Telegram's parameters, which the SDK does not expect), and the development form has init data without
// the platform and version the SDK requires.
import {
  backButton,
  downloadFile as sdkDownloadFile,
  hapticFeedback,
  init as initSdk,
  invoice,
  mainButton,
  miniApp,
  openLink as sdkOpenLink,
  retrieveLaunchParams,
  retrieveRawInitData,
  themeParams,
  viewport,
} from "@telegram-apps/sdk-react";

export type TelegramUser = { id: number; first_name?: string; username?: string; language_code?: string };

export type LaunchParams = {
  initData: string | null;
  user: TelegramUser | null;
  startParam: string | null;
  platform: string | null;
  version: string | null;
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
    version: p.get("tgWebAppVersion"),
    theme,
  };
}

/** Whether these launch parameters come from a Telegram client (init data, platform and version), not a browser. */
export function fromTelegramClient(params: LaunchParams): boolean {
  return params.initData !== null && params.platform !== null && params.version !== null;
}

/** Our CSS variables for Telegram's theme keys; the others get `--tg-<key>`. */
export const themeVariables: Record<string, string> = {
  bg_color: "--bg",
  text_color: "--text",
  hint_color: "--hint",
  link_color: "--link",
  button_color: "--accent",
  button_text_color: "--accent-text",
  secondary_bg_color: "--card",
};
export function themeVariable(key: string): string {
  return themeVariables[key] ?? `--tg-${key.replace(/_/g, "-")}`;
}

/** Whether a #rgb/#rrggbb colour is dark (relative luminance under one half), so the rest of the palette can follow. */
export function isDarkColor(color: string): boolean | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
  if (!m || !m[1]) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5;
}

let insideTelegram = false;

/**
 * Starts the SDK when a Telegram client opened the app, and returns the launch: the init data to sign in with, the
 * user and start parameter, and the page a hash route names. Call once, before the first render.
 */
export function startTelegram(location: Location, history: History): LaunchParams & { route: string | null } {
  const { route, params } = splitHashRoute(location.hash);
  const own = parseLaunchParams(location.hash);
  if (!fromTelegramClient(own)) return { ...own, route };
  // The SDK reads its parameters from the hash: give it the hash without our route in front.
  if (route) history.replaceState(history.state, "", `${location.pathname}${location.search}#${params}`);
  try {
    initSdk();
    const lp = retrieveLaunchParams();
    const raw = retrieveRawInitData() ?? own.initData;
    insideTelegram = true;
    miniApp.mountSync.ifAvailable();
    themeParams.mountSync.ifAvailable();
    themeParams.bindCssVars.ifAvailable((key) => themeVariable(key));
    const followScheme = () => {
      document.documentElement.dataset.theme = themeParams.isDark() ? "dark" : "light";
    };
    followScheme();
    themeParams.isDark.sub(followScheme);
    backButton.mount.ifAvailable();
    mainButton.mount.ifAvailable();
    if (viewport.mount.isAvailable()) {
      viewport
        .mount()
        .then(() => {
          viewport.expand.ifAvailable();
          viewport.bindCssVars.ifAvailable();
        })
        .catch(() => undefined);
    }
    miniApp.ready.ifAvailable();
    const user = lp.tgWebAppData?.user;
    return {
      ...own,
      initData: raw ?? null,
      user: user ? { id: user.id, first_name: user.first_name, username: user.username, language_code: user.language_code } : own.user,
      startParam: lp.tgWebAppData?.start_param ?? lp.tgWebAppStartParam ?? own.startParam,
      route,
    };
  } catch (e) {
    // An unknown client or malformed parameters: behave as a browser (the server still checks the init data).
    console.warn("Telegram SDK could not start:", e);
    insideTelegram = false;
    return { ...own, route };
  }
}

export function isInsideTelegram(): boolean {
  return insideTelegram;
}

/** Shows or hides Telegram's back button; `onPress` while shown. Returns the cleanup. */
export function showBackButton(visible: boolean, onPress: () => void): () => void {
  if (!insideTelegram) return () => undefined;
  if (!visible) {
    backButton.hide.ifAvailable();
    return () => undefined;
  }
  backButton.show.ifAvailable();
  const off = backButton.onClick.ifAvailable(onPress);
  return () => {
    if (off[0]) off[1]();
  };
}

/** Puts a primary action on Telegram's main button; returns the cleanup that hides it again. */
export function showMainButton(text: string, enabled: boolean, onPress: () => void): () => void {
  if (!insideTelegram) return () => undefined;
  mainButton.setParams.ifAvailable({ text, isVisible: true, isEnabled: enabled });
  const off = mainButton.onClick.ifAvailable(onPress);
  return () => {
    if (off[0]) off[1]();
    mainButton.setParams.ifAvailable({ isVisible: false });
  };
}

export function haptic(kind: "success" | "error" | "light"): void {
  if (!insideTelegram) return;
  if (kind === "light") hapticFeedback.impactOccurred.ifAvailable("light");
  else hapticFeedback.notificationOccurred.ifAvailable(kind);
}

/** Without Telegram: Telegram's theme from the development hash (if given) as CSS variables and scheme. */
export function applyTheme(theme: Record<string, string>): void {
  const root = document.documentElement;
  const dark = theme.bg_color ? isDarkColor(theme.bg_color) : null;
  if (dark !== null) root.dataset.theme = dark ? "dark" : "light";
  for (const [key, value] of Object.entries(theme)) {
    if (key in themeVariables && /^#[0-9a-fA-F]{3,8}$/.test(value)) root.style.setProperty(themeVariable(key), value);
  }
}

/**
 * What a link does inside Telegram: its WebView opens no `ton://` link and downloads no file by itself, so such
 * links go through the client (`web_app_open_link`, `web_app_request_file_download`); in a browser they stay plain
 * links (null).
 */
export function linkAction(href: string, download: boolean, inside: boolean, base: string): { kind: "open" | "download"; url: string } | null {
  if (!inside) return null;
  const url = new URL(href, base).toString();
  return { kind: download ? "download" : "open", url };
}

/** Opens a link outside the Mini App (a wallet's `ton://` link, a web page): through Telegram when inside it. */
export function openLink(url: string): void {
  if (insideTelegram && sdkOpenLink.isAvailable()) sdkOpenLink(url);
  else window.open(url, "_blank", "noopener");
}

/** Asks Telegram to download a file (Bot API 8.0+, e.g. an event's .ics); falls back to opening it. */
export function downloadFile(url: string, fileName: string): void {
  if (insideTelegram && sdkDownloadFile.isAvailable()) {
    sdkDownloadFile(url, fileName).catch(() => undefined);
  } else {
    openLink(url);
  }
}

/** Whether Telegram can open an invoice in place (`web_app_open_invoice`, Mini Apps 6.1+): only inside a client. */
export function canOpenInvoice(): boolean {
  return insideTelegram && invoice.open.isAvailable();
}

/**
 * Opens an invoice link (`https://t.me/$<slug>`, `https://t.me/invoice/<slug>`) over the Mini App and resolves with
 * how it closed: `paid`, `cancelled`, `failed` or `pending` (Telegram's `invoice_closed` status). Only where
 * `canOpenInvoice()`; elsewhere the link goes to a Telegram app with `openLink`.
 */
export async function openInvoice(url: string): Promise<string> {
  return invoice.open(url, "url");
}
