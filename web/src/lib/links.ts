/** Where the public site sends a visitor to buy: the Mini App in Telegram when the server names its bot, else the web Mini App. */
export function miniAppLink(eventUuid: string, botUsername: string | null): string {
  if (botUsername && /^[A-Za-z0-9_]{3,64}$/.test(botUsername)) return `https://t.me/${botUsername}/app?startapp=event_${encodeURIComponent(eventUuid)}`;
  return `/app/events/${encodeURIComponent(eventUuid)}`;
}
