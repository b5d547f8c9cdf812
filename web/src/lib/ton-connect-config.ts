// Where TON Connect loads its manifest and its wallets list from. Both are URLs `onton serve` names in the page
// (`<meta name="onton:tonconnect-manifest">`, `<meta name="onton:tonconnect-wallets">`, from
// ONTON_TONCONNECT_MANIFEST_URL and ONTON_TONCONNECT_WALLETS_URL); by default the server's own
// /tonconnect-manifest.json and /tonconnect-wallets.json, so nothing is fetched from outside (the SDK's default list
// lives on another host, unreachable on an offline machine).

export type TonConnectUrls = { manifestUrl: string; walletsListSource: string };

/** The URLs from the page's meta tags (`meta(name)` reads one), made absolute against `origin`. */
export function tonConnectUrls(meta: (name: string) => string | null, origin: string): TonConnectUrls {
  const absolute = (value: string | null, fallback: string) => new URL(value && value.trim() ? value.trim() : fallback, origin).toString();
  return {
    manifestUrl: absolute(meta("onton:tonconnect-manifest"), "/tonconnect-manifest.json"),
    walletsListSource: absolute(meta("onton:tonconnect-wallets"), "/tonconnect-wallets.json"),
  };
}

export function pageTonConnectUrls(): TonConnectUrls {
  return tonConnectUrls((name) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? null, window.location.origin);
}

export type ReturnActions = { returnStrategy: "back"; twaReturnUrl?: `${string}://${string}` };

/**
 * Where a wallet sends the user after they approve: in a browser, back to where they came from; inside Telegram
 * (a wallet that is itself a Mini App, like Telegram Wallet, otherwise leaves them there) to the Mini App, by its
 * t.me link for the bot the server names (`<meta name="onton:bot">`).
 */
export function returnActions(bot: string | null, insideTelegram: boolean): ReturnActions {
  const name = (bot ?? "").trim().replace(/^@/, "");
  if (!insideTelegram || !/^[A-Za-z0-9_]{3,64}$/.test(name)) return { returnStrategy: "back" };
  return { returnStrategy: "back", twaReturnUrl: `https://t.me/${name}?startapp` };
}

export function pageReturnActions(insideTelegram: boolean): ReturnActions {
  return returnActions(document.querySelector<HTMLMetaElement>('meta[name="onton:bot"]')?.content ?? null, insideTelegram);
}
