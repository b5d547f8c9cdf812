import { lazy, Suspense, useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { QrCode } from "@/components/qr-code";
import type { Order } from "@/lib/api";
import { formatDate } from "@/lib/i18n";
import { watchOrder } from "@/lib/order-updates";
import { haptic } from "@/lib/telegram";
import { formatTon, transferLink } from "@/lib/ton";
import { useApp } from "./context";
import { useBackButton } from "./telegram-buttons";

// TON Connect is the heaviest dependency: loaded only on this screen.
const TonConnectPay = lazy(() => import("./ton-connect-pay"));

export function OrderPage() {
  const { uuid = "" } = useParams();
  const { api, t, lang } = useApp();
  const [order, setOrder] = useState<Order | null>(null);
  useBackButton(true);
  useEffect(
    () =>
      watchOrder(api, uuid, (o) => {
        setOrder(o);
        if (o.state === "paid") haptic("success");
      }),
    [api, uuid],
  );
  if (!order) return <main>{t("loading")}</main>;
  const payment = order.payment;
  const link = payment?.link ?? (payment?.address ? transferLink(payment.address, payment.amount, payment.comment) : null);
  return (
    <main>
      <h1>{t("payTitle", { amount: formatTon(order.total_price) })}</h1>
      <p role="status" aria-live="polite" className="card" data-order-state={order.state}>
        <strong>
          {order.state === "paid"
            ? t("paid")
            : order.state === "expired"
              ? t("expired")
              : order.state === "canceled"
                ? t("canceled")
                : t("waitingPayment")}
        </strong>
      </p>
      {order.state === "paid" && (
        <Link className="button" to="/app/tickets">
          {t("showTickets")}
        </Link>
      )}
      {order.state === "created" && payment && (
        <>
          <p className="muted">{t("payHint")}</p>
          <dl className="card">
            <dt>{t("amount")}</dt>
            <dd className="mono" data-testid="pay-amount">
              {formatTon(payment.amount)}
            </dd>
            <dt>{t("comment")}</dt>
            <dd className="mono" data-testid="pay-comment">
              {payment.comment}
            </dd>
            <dt>{t("address")}</dt>
            <dd className="mono" data-testid="pay-address">
              {payment.address ?? "—"}
            </dd>
            <dt>{t("expiresAt", { time: "" })}</dt>
            <dd>{formatDate(lang, payment.expires_at)}</dd>
          </dl>
          {link && (
            <div className="row">
              <a className="button" href={link}>
                {t("openWallet")}
              </a>
              <QrCode text={link} label={t("openWallet")} size={160} />
            </div>
          )}
          {payment.address && (
            <Suspense fallback={null}>
              <TonConnectPay address={payment.address} amount={payment.amount} comment={payment.comment} validUntil={payment.expires_at} label={t("pay")} />
            </Suspense>
          )}
        </>
      )}
    </main>
  );
}
