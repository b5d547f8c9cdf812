import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { Field, FormError } from "@/components/field";
import { QrCode } from "@/components/qr-code";
import type { Order, Ticket } from "@/lib/api";
import { formatDate } from "@/lib/i18n";
import { formatTon } from "@/lib/ton";
import { useApp } from "./context";
import { useBackButton } from "./telegram-buttons";

function TransferForm(props: { ticket: Ticket; onDone: () => void }) {
  const { api, t } = useApp();
  const [to, setTo] = useState("");
  const [error, setError] = useState<string>();
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        api
          .call(`/api/v1/tickets/${props.ticket.id}/transfer`, { method: "POST", body: { to_user_id: Number(to) } })
          .then(props.onDone)
          .catch((err: Error) => setError(err.message));
      }}
    >
      <Field label={t("transferTo")} error={error}>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} inputMode="numeric" pattern="[0-9]+" required value={to} onChange={(e) => setTo(e.target.value)} />}
      </Field>
      <button type="submit" className="secondary">
        {t("transfer")}
      </button>
    </form>
  );
}

export function TicketsPage() {
  const { api, t, lang } = useApp();
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  useBackButton(false);
  const load = useCallback(() => {
    api
      .call<{ items: Ticket[] }>("/api/v1/me/tickets")
      .then((r) => setTickets(r.items))
      .catch((e: Error) => setError(e.message));
  }, [api]);
  useEffect(load, [load]);
  if (!tickets) return <main>{error ? <FormError message={error} /> : t("loading")}</main>;
  const shown = tickets.filter((x) => x.status !== "transferred");
  return (
    <main>
      <h1>{t("myTickets")}</h1>
      {notice && <p role="status">{notice}</p>}
      {shown.length === 0 && <p className="muted">{t("noTickets")}</p>}
      {shown.map((ticket) => (
        <article key={ticket.id} className="card" aria-label={`${ticket.event_title} — ${ticket.ticket_type_name}`}>
          <h2>{ticket.event_title}</h2>
          <p className="muted">
            {ticket.ticket_type_name} · {formatDate(lang, ticket.event_start)} · <span className="badge">{t(`status_${ticket.status}`)}</span>
          </p>
          {ticket.status === "valid" && ticket.qr_payload && (
            <>
              <QrCode text={ticket.qr_payload} label={`QR ${ticket.ticket_type_name}`} />
              <p className="mono" data-testid="check-in-code">
                {ticket.check_in_code}
              </p>
            </>
          )}
          {ticket.nft && (
            <p className="muted" data-testid="ticket-nft" data-nft-state={ticket.nft.state}>
              {t(`nft_${ticket.nft.state}`, { index: ticket.nft.index ?? "" })}
              {ticket.nft.state === "minted" && ticket.nft.address && <span className="mono"> {ticket.nft.address}</span>}
            </p>
          )}
          <div className="row">
            <a className="button secondary" href={`/api/v1/events/${ticket.event_uuid}/calendar.ics`} download>
              {t("addToCalendar")}
            </a>
          </div>
          {ticket.status === "valid" && (
            <TransferForm
              ticket={ticket}
              onDone={() => {
                setNotice(t("transferDone"));
                load();
              }}
            />
          )}
        </article>
      ))}
      <p className="muted">{t("walletLink")}</p>
    </main>
  );
}

export function OrdersPage() {
  const { api, t, lang } = useApp();
  const [orders, setOrders] = useState<Order[] | null>(null);
  useBackButton(false);
  useEffect(() => {
    api.call<{ items: Order[] }>("/api/v1/me/orders").then((r) => setOrders(r.items)).catch(() => setOrders([]));
  }, [api]);
  if (!orders) return <main>{t("loading")}</main>;
  return (
    <main>
      <h1>{t("orders")}</h1>
      {orders.length === 0 && <p className="muted">{t("noOrders")}</p>}
      {orders.map((o) => (
        <Link key={o.uuid} to={`/app/orders/${o.uuid}`} className="card" style={{ display: "block", color: "inherit", textDecoration: "none" }}>
          <strong>{formatTon(o.total_price)} TON</strong> × {o.quantity} · <span className="badge">{t(`state_${o.state}`)}</span>
          <div className="muted">{formatDate(lang, o.created_at)}</div>
        </Link>
      ))}
    </main>
  );
}
