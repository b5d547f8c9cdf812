import { lazy, Suspense } from "react";
import { useT } from "@/lib/i18n-context";

// TON Connect is the heaviest dependency: loaded when the wallet section shows.
const WalletLink = lazy(() => import("./wallet-link"));

export function WalletSection() {
  const { t } = useT();
  return (
    <Suspense fallback={<p className="muted">{t("loading")}</p>}>
      <WalletLink />
    </Suspense>
  );
}
