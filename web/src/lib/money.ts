// Amounts. The API speaks each currency's smallest unit as a decimal string (nanotons for TON: 1 TON = 10^9); the
// UI shows and reads whole units. All arithmetic is on BigInt or strings, never floating point, so 0.1 TON is
// exactly 100000000 nanotons. The codes and decimals are the server's (src/domain/money).

export const currencies = {
  TON: { decimals: 9, symbol: "TON" },
  USDT: { decimals: 6, symbol: "USDT" },
  XTR: { decimals: 0, symbol: "Stars" },
} as const;
export type Currency = keyof typeof currencies;

const kMaxUnits = 10n ** 19n - 1n; // the API's price pattern allows at most 19 digits

/** "2500000000" with 9 decimals → "2.5"; "0" → "0"; trailing zeros dropped. Throws on anything but a non-negative integer string. */
export function formatUnits(amount: string, decimals: number): string {
  if (!/^(0|[1-9][0-9]*)$/.test(amount)) throw new Error(`not an amount in the smallest unit: ${amount}`);
  if (decimals === 0) return amount;
  const padded = amount.padStart(decimals + 1, "0");
  const whole = padded.slice(0, padded.length - decimals);
  const fraction = padded.slice(padded.length - decimals).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

export type ParsedAmount = { ok: true; units: string } | { ok: false; reason: "empty" | "format" | "precision" | "too_large" };

/** "2.5" with 9 decimals → "2500000000". Accepts a comma as the decimal mark. */
export function parseUnits(text: string, decimals: number): ParsedAmount {
  const t = text.trim().replace(",", ".");
  if (t === "") return { ok: false, reason: "empty" };
  const m = /^([0-9]+)(?:\.([0-9]*))?$/.exec(t) ?? /^()\.([0-9]+)$/.exec(t);
  if (!m) return { ok: false, reason: "format" };
  const whole = m[1] || "0";
  const fraction = m[2] ?? "";
  if (fraction.length > decimals) return { ok: false, reason: "precision" };
  const value = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  if (value > kMaxUnits) return { ok: false, reason: "too_large" };
  return { ok: true, units: value.toString() };
}

/** "1500000000", "TON" → "1.5 TON". */
export function formatAmount(amount: string, currency: Currency = "TON"): string {
  const c = currencies[currency];
  return `${formatUnits(amount, c.decimals)} ${c.symbol}`;
}

/** The sum of amounts in the smallest unit. */
export function sumUnits(amounts: string[]): string {
  return amounts.reduce((total, a) => total + BigInt(a), 0n).toString();
}

/** "2500000000" → "2.5" (TON). */
export function formatTon(nanotons: string): string {
  return formatUnits(nanotons, currencies.TON.decimals);
}

export type ParsedTon = { ok: true; nanotons: string } | { ok: false; reason: "empty" | "format" | "precision" | "too_large" };

/** "2.5" → "2500000000"; at most 9 decimals. */
export function parseTon(text: string): ParsedTon {
  const parsed = parseUnits(text, currencies.TON.decimals);
  return parsed.ok ? { ok: true, nanotons: parsed.units } : parsed;
}

/** price × quantity in the smallest unit. */
export function multiplyNanotons(nanotons: string, quantity: number): string {
  return (BigInt(nanotons) * BigInt(quantity)).toString();
}
