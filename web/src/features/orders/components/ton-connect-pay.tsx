// Pay an order from a TON Connect wallet: one transfer with the exact amount and the order's comment prefilled.
// A USDT order is paid with the jetton transfer the API builds for the connected wallet (to its own jetton wallet).
// Loaded lazily (TON Connect is heavy); shares the page's one connection with the wallet link.
import { TonConnectButton, useTonAddress, useTonConnectUI } from "@tonconnect/ui-react";
import { useEffect, useState } from "react";
import { FormError } from "@/components/field";
import { useApi } from "@/lib/api-context";
import { TonConnectRoot } from "@/lib/ton-connect";
import { commentPayload } from "@/lib/ton";
import { getJettonTransfer } from "../api/orders";
import { jettonTransferRequest, transferRequest, type TransferRequest } from "../lib/transfer";

export type PayProps = {
  address: string;
  amount: string;
  comment: string;
  validUntil: number;
  label: string;
  sentLabel: string;
  /** Set for a USDT order: the request is the jetton transfer the API builds for the connected wallet. */
  jettonOrderUuid?: string;
};

function PayButton(props: PayProps) {
  const [ui] = useTonConnectUI();
  const api = useApi();
  const connected = useTonAddress();
  const [error, setError] = useState<string>();
  const [sent, setSent] = useState(false);
  useEffect(() => {
    // Paying needs no proof: a connect from here asks the wallet for its address only.
    if (!ui.connected) ui.setConnectRequestParameters(null);
  }, [ui]);
  if (!connected) return null;
  const send = async () => {
    setError(undefined);
    try {
      let request: TransferRequest;
      if (props.jettonOrderUuid) {
        request = jettonTransferRequest(await getJettonTransfer(api, props.jettonOrderUuid, connected));
      } else {
        request = transferRequest(props, commentPayload(props.comment));
      }
      await ui.sendTransaction(request);
      setSent(true);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <>
      <button type="button" onClick={() => void send()} disabled={sent}>
        {props.label}
      </button>
      {sent && <p role="status">{props.sentLabel}</p>}
      <FormError message={error} />
    </>
  );
}

export default function TonConnectPay(props: PayProps) {
  return (
    <TonConnectRoot>
      <div className="card row">
        <TonConnectButton />
        <PayButton {...props} />
      </div>
    </TonConnectRoot>
  );
}
