// What a TON wallet is handed: transfer links and the comment payload of a TON Connect transfer. Amounts are in
// lib/money.ts.
export { formatTon, multiplyNanotons, parseTon, type ParsedTon } from "./money";

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
