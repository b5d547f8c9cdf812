// English and Russian for the Mini App, chosen by Telegram's language_code (ru, and the languages whose speakers
// Telegram's own apps serve in Russian by default, get Russian; everything else English).

const en = {
  loading: "Loading…",
  signIn: "Sign in",
  signInHint: "Open this app from Telegram, or paste initData from `onton admin init-data` for local use.",
  initData: "Init data",
  discover: "Events",
  myTickets: "My tickets",
  orders: "Orders",
  search: "Search events",
  category: "Category",
  allCategories: "All categories",
  noEvents: "No upcoming events.",
  back: "Back",
  ticketType: "Ticket type",
  quantity: "Quantity",
  free: "Free",
  soldOut: "Sold out",
  left: "{n} left",
  buy: "Buy for {amount} {currency}",
  getFree: "Get ticket",
  pay: "Pay",
  payTitle: "Pay {amount}",
  payHint: "Send exactly this amount with this comment. The order turns paid by itself once the transfer lands.",
  address: "Address",
  amount: "Amount ({currency})",
  comment: "Comment",
  openWallet: "Open in wallet",
  expiresAt: "Pay before {time}",
  showTickets: "Show my tickets",
  noTickets: "No tickets yet.",
  addToCalendar: "Add to calendar",
  transfer: "Transfer",
  transferTo: "Recipient's Telegram user id",
  transferDone: "Ticket transferred.",
  nft: "NFT",
  nft_created: "NFT: minted to your wallet once you link one",
  nft_mint_request: "NFT: minting…",
  nft_minted: "NFT #{index} is in your wallet",
  nft_failed: "NFT: minting failed — the organizer's support will help",
  noOrders: "No orders yet.",
  state_created: "awaiting payment",
  state_paid: "paid",
  state_expired: "expired",
  state_canceled: "canceled",
  state_failed: "failed",
  state_refunded: "refunded",
  status_valid: "valid",
  status_used: "used",
  status_refunded: "refunded",
  status_transferred: "transferred",
  status_canceled: "canceled",
  walletTitle: "Wallet",
  walletHint: "Link your TON wallet: NFT tickets and rewards go to it. The wallet signs a one-time proof that it is yours; nothing is paid.",
  walletLinked: "Linked wallet:",
  walletNone: "No wallet linked yet.",
  walletLinking: "Waiting for the wallet…",
  linkWallet: "Link a wallet",
  relinkWallet: "Link another wallet",
  unlinkWallet: "Unlink",
  walletRefused: "The wallet did not sign: {message}",
  walletNoProof: "The wallet connected without signing the proof; try again.",
  walletLinkFailed: "The wallet could not be linked: {message}",
  payWithTonConnect: "Pay with the connected wallet",
  paymentSent: "Sent. Waiting for the transfer to land…",
  order_created: "Waiting for the payment…",
  order_paid: "Paid! Your tickets are ready.",
  order_expired: "The order expired before it was paid.",
  order_canceled: "The order was canceled.",
  order_failed: "The order failed.",
  order_refunded: "The order was refunded.",
  online: "Online",
  error: "Something went wrong: {message}",
};

export type MessageKey = keyof typeof en;

const ru: Record<MessageKey, string> = {
  loading: "Загрузка…",
  signIn: "Войти",
  signInHint: "Откройте приложение из Telegram или вставьте initData из `onton admin init-data` для локальной работы.",
  initData: "Init data",
  discover: "События",
  myTickets: "Мои билеты",
  orders: "Заказы",
  search: "Поиск событий",
  category: "Категория",
  allCategories: "Все категории",
  noEvents: "Нет предстоящих событий.",
  back: "Назад",
  ticketType: "Тип билета",
  quantity: "Количество",
  free: "Бесплатно",
  soldOut: "Распродано",
  left: "Осталось: {n}",
  buy: "Купить за {amount} {currency}",
  getFree: "Получить билет",
  pay: "Оплатить",
  payTitle: "Оплата {amount}",
  payHint: "Отправьте ровно эту сумму с этим комментарием. Заказ станет оплаченным сам, когда перевод дойдёт.",
  address: "Адрес",
  amount: "Сумма ({currency})",
  comment: "Комментарий",
  openWallet: "Открыть в кошельке",
  expiresAt: "Оплатите до {time}",
  showTickets: "Показать мои билеты",
  noTickets: "Билетов пока нет.",
  addToCalendar: "Добавить в календарь",
  transfer: "Передать",
  transferTo: "Telegram user id получателя",
  transferDone: "Билет передан.",
  nft: "NFT",
  nft_created: "NFT: будет выпущен на ваш кошелёк, как только вы его привяжете",
  nft_mint_request: "NFT: выпускается…",
  nft_minted: "NFT #{index} в вашем кошельке",
  nft_failed: "NFT: выпуск не удался — поддержка организатора поможет",
  noOrders: "Заказов пока нет.",
  state_created: "ждёт оплаты",
  state_paid: "оплачен",
  state_expired: "истёк",
  state_canceled: "отменён",
  state_failed: "ошибка",
  state_refunded: "возвращён",
  status_valid: "действителен",
  status_used: "использован",
  status_refunded: "возвращён",
  status_transferred: "передан",
  status_canceled: "отменён",
  walletTitle: "Кошелёк",
  walletHint: "Привяжите TON-кошелёк: на него приходят NFT-билеты и награды. Кошелёк подписывает одноразовое доказательство владения; ничего не оплачивается.",
  walletLinked: "Привязан кошелёк:",
  walletNone: "Кошелёк пока не привязан.",
  walletLinking: "Ждём кошелёк…",
  linkWallet: "Привязать кошелёк",
  relinkWallet: "Привязать другой кошелёк",
  unlinkWallet: "Отвязать",
  walletRefused: "Кошелёк не подписал: {message}",
  walletNoProof: "Кошелёк подключился без подписи доказательства; попробуйте ещё раз.",
  walletLinkFailed: "Не удалось привязать кошелёк: {message}",
  payWithTonConnect: "Оплатить подключённым кошельком",
  paymentSent: "Отправлено. Ждём, когда перевод дойдёт…",
  order_created: "Ждём оплату…",
  order_paid: "Оплачено! Билеты готовы.",
  order_expired: "Заказ истёк до оплаты.",
  order_canceled: "Заказ отменён.",
  order_failed: "Заказ не удался.",
  order_refunded: "Деньги за заказ возвращены.",
  online: "Онлайн",
  error: "Что-то пошло не так: {message}",
};

export type Language = "en" | "ru";

const russianSpeaking = new Set(["ru", "be", "uk", "kk", "uz", "ky", "tg"]);

/** "ru", "ru-RU", "be" → "ru"; anything else (or nothing) → "en". */
export function pickLanguage(code: string | null | undefined): Language {
  const base = (code ?? "").toLowerCase().split(/[-_]/)[0] ?? "";
  return russianSpeaking.has(base) ? "ru" : "en";
}

/** The message in `lang` with `{name}` placeholders filled. */
export function translate(lang: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = (lang === "ru" ? ru : en)[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function formatDate(lang: Language, unixSeconds: number, timeZone?: string): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" };
  try {
    return new Intl.DateTimeFormat(lang === "ru" ? "ru-RU" : "en-GB", { ...options, timeZone }).format(new Date(unixSeconds * 1000));
  } catch {
    return new Intl.DateTimeFormat(lang === "ru" ? "ru-RU" : "en-GB", options).format(new Date(unixSeconds * 1000));
  }
}
