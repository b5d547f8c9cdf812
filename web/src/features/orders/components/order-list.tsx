import { Link } from "react-router-dom";
import { formatDate } from "@/lib/i18n";
import { useT } from "@/lib/i18n-context";
import { formatAmount } from "@/lib/money";
import { useMyOrders } from "../api/orders";

/** The participant's orders, newest first; each opens its payment screen. */
export function OrderList(props: { orderHref: (uuid: string) => string }) {
  const { t, lang } = useT();
  const orders = useMyOrders();
  if (!orders.data) return <p>{orders.error ? t("error", { message: orders.error.message }) : t("loading")}</p>;
  if (orders.data.items.length === 0) return <p className="muted">{t("noOrders")}</p>;
  return (
    <>
      {orders.data.items.map((o) => (
        <Link key={o.uuid} to={props.orderHref(o.uuid)} className="card plain-link">
          <strong>{formatAmount(o.total_price, o.currency)}</strong> × {o.quantity} · <span className="badge">{t(`state_${o.state}`)}</span>
          <div className="muted">{formatDate(lang, o.created_at)}</div>
        </Link>
      ))}
    </>
  );
}
