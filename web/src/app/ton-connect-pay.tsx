import { TonConnectButton, TonConnectUIProvider, useTonAddress, useTonConnectUI } from "@tonconnect/ui-react";
import { useState } from "react";
import { commentPayload } from "@/lib/ton";

type Props = { address: string; amount: string; comment: string; validUntil: number; label: string };

function PayButton(props: Props) {
  const [ui] = useTonConnectUI();
  const connected = useTonAddress();
  const [error, setError] = useState<string>();
  if (!connected) return null;
  const send = async () => {
    setError(undefined);
    try {
      await ui.sendTransaction({
        validUntil: props.validUntil,
        messages: [{ address: props.address, amount: props.amount, payload: commentPayload(props.comment) }],
      });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <>
      <button type="button" onClick={() => void send()}>
        {props.label}
      </button>
      {error && <p className="form-error">{error}</p>}
    </>
  );
}

/** TON Connect: connect a wallet, then one transfer with the exact amount and the order's comment prefilled. */
export default function TonConnectPay(props: Props) {
  return (
    <TonConnectUIProvider manifestUrl={`${window.location.origin}/tonconnect-manifest.json`}>
      <div className="card row">
        <TonConnectButton />
        <PayButton {...props} />
      </div>
    </TonConnectUIProvider>
  );
}
