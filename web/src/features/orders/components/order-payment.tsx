import { lazy, Suspense, useEffect } from "react";
import { Link } from "react-router-dom";
import { QrCode } from "@/components/qr-code";
import { formatDate } from "@/lib/i18n";
import { useT } from "@/lib/i18n-context";
import { currencies, formatAmount, formatUnits } from "@/lib/money";
import { canOpenInvoice, haptic, isInsideTelegram } from "@/lib/telegram";
import { transferLink } from "@/lib/ton";
import { useLiveOrder } from "../api/orders";
import { OutboundLink } from "@/components/outbound-link";
import { payAction } from "../lib/stars";
import { StarsPay } from "./stars-pay";

// TON Connect is the heaviest dependency: loaded only on this screen.
const TonConnectPay = lazy(() => import("./ton-connect-pay"));

/**
 * The payment screen: for TON and USDT the exact amount, comment and address, a wallet link and QR, TON Connect; for
 * Stars "Pay with Stars" (Telegram's invoice). The order turns paid live.
 */
export function OrderPayment(props: { uuid: string; ticketsHref: string }) {
  const { t, lang } = useT();
  const { data: order, error, refetch } = useLiveOrder(props.uuid);
  const paid = order?.state === "paid";
  useEffect(() => {
    if (paid) haptic("success");
  }, [paid]);
  if (!order) return <p>{error ? t("error", { message: error.message }) : t("loading")}</p>;
  const payment = order.payment;
  // A Toncoin link can be rebuilt here; a jetton link only comes from the API (it names the jetton master).
  const link = payment?.link ?? (payment?.address && payment.method === "ton_transfer" ? transferLink(payment.address, payment.amount, payment.comment) : null);
  const currency = currencies[order.currency];
  const action = payAction(order, { inside: isInsideTelegram(), invoices: canOpenInvoice() });
  return (
    <>
      <h1>{t("payTitle", { amount: formatAmount(order.total_price, order.currency) })}</h1>
      <p role="status" aria-live="polite" className="card" data-order-state={order.state}>
        <strong>{t(`order_${order.state}`)}</strong>
      </p>
      {paid && (
        <Link className="button" to={props.ticketsHref}>
          {t("showTickets")}
        </Link>
      )}
      {action.kind === "stars" && payment && (
        <>
          <dl className="card">
            <dt>{t("amount", { currency: currency.symbol })}</dt>
            <dd className="mono" data-testid="pay-amount">
              {formatUnits(payment.amount, currency.decimals)}
            </dd>
            <dt>{t("expiresAt", { time: "" })}</dt>
            <dd>{formatDate(lang, payment.expires_at)}</dd>
          </dl>
          <StarsPay orderUuid={order.uuid} opener={action.opener} onPaid={() => void refetch()} />
        </>
      )}
      {action.kind === "transfer" && payment && (
        <>
          <p className="muted">{t("payHint")}</p>
          <dl className="card">
            <dt>{t("amount", { currency: currency.symbol })}</dt>
            <dd className="mono" data-testid="pay-amount">
              {formatUnits(payment.amount, currency.decimals)}
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
              <OutboundLink className="button" href={link}>
                {t("openWallet")}
              </OutboundLink>
              <QrCode text={link} label={t("openWallet")} size={160} />
            </div>
          )}
          {payment.address && (order.currency === "TON" || (order.currency === "USDT" && payment.jetton_master)) && (
            <Suspense fallback={null}>
              <TonConnectPay
                address={payment.address}
                amount={payment.amount}
                comment={payment.comment}
                validUntil={payment.expires_at}
                label={t("payWithTonConnect")}
                sentLabel={t("paymentSent")}
                jettonOrderUuid={payment.method === "jetton_transfer" ? order.uuid : undefined}
              />
            </Suspense>
          )}
        </>
      )}
    </>
  );
}
