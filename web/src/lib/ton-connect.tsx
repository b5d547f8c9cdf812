// One TON Connect connection per page, shared by the wallet link and the payment button (both load this module
// lazily: it is the heaviest dependency). Telemetry is off: an offline deployment must not call out.
import { TonConnect, TonConnectUIProvider } from "@tonconnect/ui-react";
import type { ReactNode } from "react";
import { pageReturnActions, pageTonConnectUrls } from "./ton-connect-config";
import { isInsideTelegram } from "./telegram";

let connector: TonConnect | null = null;

function sharedConnector(): TonConnect {
  if (!connector) connector = new TonConnect({ ...pageTonConnectUrls(), analytics: { mode: "off" } });
  return connector;
}

export function TonConnectRoot(props: { children: ReactNode }) {
  return (
    <TonConnectUIProvider connector={sharedConnector()} analytics={{ mode: "off" }} actionsConfiguration={pageReturnActions(isInsideTelegram())}>
      {props.children}
    </TonConnectUIProvider>
  );
}
