// Pay an order from a TON Connect wallet: one transfer with the exact amount and the order's comment prefilled.
// Loaded lazily (TON Connect is heavy); shares the page's one connection with the wallet link.
import { TonConnectButton, useTonAddress, useTonConnectUI } from "@tonconnect/ui-react";
import { useEffect, useState } from "react";
import { FormError } from "@/components/field";
import { TonConnectRoot } from "@/lib/ton-connect";
import { commentPayload } from "@/lib/ton";
import { transferRequest } from "../lib/transfer";

export type PayProps = { address: string; amount: string; comment: string; validUntil: number; label: string; sentLabel: string };

function PayButton(props: PayProps) {
  const [ui] = useTonConnectUI();
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
      await ui.sendTransaction(transferRequest(props, commentPayload(props.comment)));
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
