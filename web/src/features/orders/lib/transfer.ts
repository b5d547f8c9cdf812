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
