// Link a wallet with TON Connect's ton_proof (docs/web.md, "Linking a wallet"): ask the API for a payload, hand it
// to TON Connect as the connect request's tonProof, send what the wallet signed to POST /api/v1/auth/ton-proof,
// show the linked wallet, unlink. Loaded lazily: it carries TON Connect.
import { toUserFriendlyAddress, useTonConnectUI } from "@tonconnect/ui-react";
import { useEffect, useRef, useState } from "react";
import { FormError } from "@/components/field";
import { useApi } from "@/lib/api-context";
import { useT } from "@/lib/i18n-context";
import { useMe } from "@/lib/session";
import { TonConnectRoot } from "@/lib/ton-connect";
import { getTonProofPayload, useLinkWallet, useUnlinkWallet } from "../api/wallet";
import { proofOutcome, type ConnectedWallet } from "../lib/ton-proof";

function friendly(raw: string): string {
  try {
    return toUserFriendlyAddress(raw);
  } catch {
    return raw;
  }
}

function WalletLinkInner() {
  const { t } = useT();
  const api = useApi();
  const me = useMe();
  const [ui] = useTonConnectUI();
  const link = useLinkWallet();
  const unlink = useUnlinkWallet();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // The payload this page asked for: only a connect that carries it links (a restored connection has none).
  const expected = useRef<string | null>(null);
  const linkRef = useRef(link.mutateAsync);
  useEffect(() => {
    linkRef.current = link.mutateAsync;
  });

  useEffect(() => {
    const off = ui.onStatusChange(
      (wallet) => {
        if (!wallet || expected.current === null) return;
        const outcome = proofOutcome(wallet as ConnectedWallet, expected.current);
        expected.current = null;
        ui.setConnectRequestParameters(null);
        if (outcome.kind === "proof") {
          linkRef
            .current(outcome.body)
            .then(() => setError(undefined))
            .catch((e: Error) => {
              setError(t("walletLinkFailed", { message: e.message }));
              void ui.disconnect().catch(() => undefined);
            })
            .finally(() => setBusy(false));
          return;
        }
        setBusy(false);
        setError(outcome.kind === "refused" ? t("walletRefused", { message: outcome.message }) : t("walletNoProof"));
      },
      (e) => {
        expected.current = null;
        setBusy(false);
        setError(t("walletRefused", { message: e.message }));
      },
    );
    const offModal = ui.onModalStateChange((state) => {
      if (state.status === "closed" && !ui.connected) {
        expected.current = null;
        setBusy(false);
      }
    });
    return () => {
      off();
      offModal();
    };
  }, [ui, t]);

  const start = async () => {
    setError(undefined);
    setBusy(true);
    try {
      // A proof is only given on a new connection: an earlier one is closed first.
      if (ui.connected) await ui.disconnect();
      ui.setConnectRequestParameters({ state: "loading" });
      const { payload } = await getTonProofPayload(api);
      expected.current = payload;
      ui.setConnectRequestParameters({ state: "ready", value: { tonProof: payload } });
      await ui.openModal();
    } catch (e) {
      expected.current = null;
      ui.setConnectRequestParameters(null);
      setBusy(false);
      setError(t("error", { message: e instanceof Error ? e.message : String(e) }));
    }
  };

  const remove = async () => {
    setError(undefined);
    try {
      await unlink.mutateAsync();
      if (ui.connected) await ui.disconnect();
    } catch (e) {
      setError(t("error", { message: e instanceof Error ? e.message : String(e) }));
    }
  };

  const linked = me.data?.wallet_address ?? null;
  return (
    <section className="card" aria-labelledby="wallet-title">
      <h2 id="wallet-title">{t("walletTitle")}</h2>
      <p className="muted">{t("walletHint")}</p>
      <div role="status" aria-live="polite">
        {linked ? (
          <p>
            {t("walletLinked")}{" "}
            <span className="mono" data-testid="linked-wallet" data-raw-address={linked}>
              {friendly(linked)}
            </span>
          </p>
        ) : (
          <p className="muted" data-testid="no-wallet">
            {busy ? t("walletLinking") : t("walletNone")}
          </p>
        )}
      </div>
      <div className="row">
        <button type="button" onClick={() => void start()} disabled={busy || link.isPending}>
          {linked ? t("relinkWallet") : t("linkWallet")}
        </button>
        {linked && (
          <button type="button" className="secondary" onClick={() => void remove()} disabled={unlink.isPending}>
            {t("unlinkWallet")}
          </button>
        )}
      </div>
      <FormError message={error} />
    </section>
  );
}

export default function WalletLink() {
  return (
    <TonConnectRoot>
      <WalletLinkInner />
    </TonConnectRoot>
  );
}
