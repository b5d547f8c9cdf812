// TON amounts. The API speaks nanotons as decimal strings (1 TON = 10^9 nanotons); the UI shows and reads TON. All
// arithmetic is on BigInt or strings, never floating point, so 0.1 TON is exactly 100000000 nanotons.

const kDecimals = 9;
const kMaxNanotons = 10n ** 19n - 1n; // the API's price pattern allows at most 19 digits

/** "2500000000" → "2.5"; "0" → "0"; trailing zeros dropped. Throws on anything but a non-negative integer string. */
export function formatTon(nanotons: string): string {
  if (!/^(0|[1-9][0-9]*)$/.test(nanotons)) throw new Error(`not a nanoton amount: ${nanotons}`);
  const padded = nanotons.padStart(kDecimals + 1, "0");
  const whole = padded.slice(0, padded.length - kDecimals);
  const fraction = padded.slice(padded.length - kDecimals).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

export type ParsedTon = { ok: true; nanotons: string } | { ok: false; reason: "empty" | "format" | "precision" | "too_large" };

/** "2.5" → "2500000000". Accepts a comma as the decimal mark; at most 9 decimals. */
export function parseTon(text: string): ParsedTon {
  const t = text.trim().replace(",", ".");
  if (t === "") return { ok: false, reason: "empty" };
  const m = /^([0-9]+)(?:\.([0-9]*))?$/.exec(t) ?? /^()\.([0-9]+)$/.exec(t);
  if (!m) return { ok: false, reason: "format" };
  const whole = m[1] || "0";
  const fraction = m[2] ?? "";
  if (fraction.length > kDecimals) return { ok: false, reason: "precision" };
  const value = BigInt(whole) * 10n ** BigInt(kDecimals) + BigInt(fraction.padEnd(kDecimals, "0") || "0");
  if (value > kMaxNanotons) return { ok: false, reason: "too_large" };
  return { ok: true, nanotons: value.toString() };
}

/** price × quantity in nanotons. */
export function multiplyNanotons(nanotons: string, quantity: number): string {
  return (BigInt(nanotons) * BigInt(quantity)).toString();
}

/** A transfer link wallets open: ton://transfer/<address>?amount=<nanotons>&text=<comment>. */
export function transferLink(address: string, nanotons: string, comment: string): string {
  return `ton://transfer/${address}?amount=${nanotons}&text=${encodeURIComponent(comment)}`;
}

/**
 * The payload TON Connect's sendTransaction wants for a text comment: a bag of cells, base64, holding one cell with
 * a 32-bit zero op and the UTF-8 text (a wallet shows it as the comment). One cell holds 1023 bits, so the comment
 * may be at most 123 bytes; the platform's payment comments are far shorter.
 */
export function commentPayload(comment: string): string {
  const text = new TextEncoder().encode(comment);
  if (text.length > 123) throw new Error("comment too long for one cell");
  const data = new Uint8Array(4 + text.length);
  data.set(text, 4);
  // Cell: d1 = 0 refs, ordinary, level 0; d2 = 2 × whole bytes (the data is byte-aligned).
  const cell = new Uint8Array(2 + data.length);
  cell[0] = 0;
  cell[1] = data.length * 2;
  cell.set(data, 2);
  // Header: magic, flags (no index, no CRC, 1-byte cell refs), 1-byte offsets, 1 cell, 1 root, 0 absent, size, root 0.
  const boc = new Uint8Array([0xb5, 0xee, 0x9c, 0x72, 0x01, 0x01, 0x01, 0x01, 0x00, cell.length, 0x00, ...cell]);
  let binary = "";
  for (const b of boc) binary += String.fromCharCode(b);
  return btoa(binary);
}
