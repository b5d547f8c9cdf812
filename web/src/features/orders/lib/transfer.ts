// The TON Connect sendTransaction request for an order's payment instructions.

export type TransferRequest = {
  validUntil: number;
  messages: { address: string; amount: string; payload: string }[];
};

/**
 * One message to the platform wallet with exactly the order's amount and its comment (as a BOC payload). The
 * request stays valid until the order's payment expires, but at most 15 minutes (wallets refuse longer windows).
 */
export function transferRequest(
  payment: { address: string; amount: string; validUntil: number },
  payload: string,
  now: number = Math.floor(Date.now() / 1000),
): TransferRequest {
  if (!/^(0|[1-9][0-9]*)$/.test(payment.amount) || payment.amount === "0") throw new Error(`not a payable amount: ${payment.amount}`);
  const validUntil = Math.max(now + 60, Math.min(payment.validUntil, now + 15 * 60));
  return { validUntil, messages: [{ address: payment.address, amount: payment.amount, payload }] };
}

/**
 * A USDT order's payment: the one message the API built for the connected wallet (GET
 * /api/v1/orders/{uuid}/jetton-transfer), sent unchanged to the wallet's own jetton wallet with the TON it says to
 * attach and the TEP-74 transfer body; valid as long as the order's payment, at most 15 minutes.
 */
export function jettonTransferRequest(
  message: { jetton_wallet: string; amount: string; payload: string; expires_at: number | null },
  now: number = Math.floor(Date.now() / 1000),
): TransferRequest {
  return transferRequest({ address: message.jetton_wallet, amount: message.amount, validUntil: message.expires_at ?? now + 15 * 60 }, message.payload, now);
}
