// The wallet-link protocol's pure steps (docs/identity.md, "Linking a wallet with TON Connect"): what to hand
// POST /api/v1/auth/ton-proof from the wallet TON Connect reports, and when a payload must be asked for again.

/** What TON Connect reports of a connected wallet (the fields of @tonconnect/sdk's Wallet the link needs). */
export type ConnectedWallet = {
  account: { address: string; chain: string; publicKey?: string; walletStateInit?: string };
  connectItems?: {
    tonProof?:
      | { name: "ton_proof"; proof: { timestamp: number; domain: { lengthBytes: number; value: string }; payload: string; signature: string } }
      | { name: "ton_proof"; error: { code: number; message?: string } };
  };
};

export type LinkBody = {
  address: string;
  network: "-239" | "-3";
  public_key?: string;
  proof: {
    timestamp: number;
    domain: { lengthBytes: number; value: string };
    payload: string;
    signature: string;
    state_init?: string | null;
  };
};

export type ProofOutcome =
  | { kind: "proof"; body: LinkBody }
  /** connected without a proof (a session restored from earlier, or a wallet that skipped it): reconnect to link */
  | { kind: "no_proof" }
  /** the wallet refused or failed to sign */
  | { kind: "refused"; message: string }
  /** signed, but not the payload this page asked for (an older connection): reconnect */
  | { kind: "stale"; body: LinkBody };

/** The link request for a connected wallet, given the payload this page asked the API for. */
export function proofOutcome(wallet: ConnectedWallet, expectedPayload: string | null): ProofOutcome {
  const item = wallet.connectItems?.tonProof;
  if (!item) return { kind: "no_proof" };
  if ("error" in item) return { kind: "refused", message: item.error.message || `the wallet answered error ${item.error.code}` };
  const network = wallet.account.chain === "-3" ? "-3" : "-239";
  const body: LinkBody = {
    address: wallet.account.address,
    network,
    proof: {
      timestamp: item.proof.timestamp,
      domain: { lengthBytes: item.proof.domain.lengthBytes, value: item.proof.domain.value },
      payload: item.proof.payload,
      signature: item.proof.signature,
      state_init: wallet.account.walletStateInit ?? null,
    },
  };
  if (wallet.account.publicKey) body.public_key = wallet.account.publicKey;
  if (expectedPayload !== null && item.proof.payload !== expectedPayload) return { kind: "stale", body };
  return { kind: "proof", body };
}

/** Whether a payload that expires at `expiresAt` (unix s) should be replaced before a connect at `now`: a minute of margin for the user to approve. */
export function payloadIsFresh(expiresAt: number, now: number): boolean {
  return expiresAt - now > 60;
}

/** Raw wallet addresses are compared in their canonical form: workchain and lower-case hex. */
export function sameRawAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  const norm = (x: string) => x.trim().toLowerCase();
  return norm(a) === norm(b);
}
