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
