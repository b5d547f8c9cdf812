import { useEffect, useMemo, useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { Field, FormError } from "@/components/field";
import { newIdempotencyKey, type EventInfo, type Order } from "@/lib/api";
import { formatDate } from "@/lib/i18n";
import { haptic } from "@/lib/telegram";
import { formatTon, multiplyNanotons } from "@/lib/ton";
import { useApp } from "./context";
import { useBackButton, useMainButton } from "./telegram-buttons";

export function EventPage() {
  const { uuid = "" } = useParams();
  const { api, t, lang } = useApp();
  const navigate = useNavigate();
  const [event, setEvent] = useState<EventInfo | null>(null);
  const [error, setError] = useState<string>();
  const [typeId, setTypeId] = useState<number | null>(null);
  const [quantity, setQuantity] = useState(1);
  const [busy, setBusy] = useState(false);
  // One key per chosen purchase: a retry after a lost answer gets the same order back, not a second one.
  const idempotencyKey = useMemo(() => newIdempotencyKey(), [typeId, quantity]); // eslint-disable-line react-hooks/exhaustive-deps
  useBackButton(true);

  useEffect(() => {
    api
      .call<EventInfo>(`/api/v1/events/${encodeURIComponent(uuid)}`)
      .then((e) => {
        setEvent(e);
        const firstOpen = e.ticket_types?.find((tt) => tt.available === null || tt.available === undefined || tt.available > 0);
        setTypeId(firstOpen?.id ?? null);
      })
      .catch((e: Error) => setError(e.message));
  }, [api, uuid]);

  const type = event?.ticket_types?.find((tt) => tt.id === typeId);
  const total = type ? multiplyNanotons(type.price, quantity) : "0";
  const label = type && type.price !== "0" ? t("buy", { amount: formatTon(total) }) : t("getFree");

  const buy = async () => {
    if (!type || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const order = await api.call<Order>("/api/v1/orders", {
        method: "POST",
        body: { event_uuid: uuid, ticket_type_id: type.id, quantity },
        headers: { "Idempotency-Key": idempotencyKey },
      });
      haptic("success");
      navigate(order.state === "paid" ? "/app/tickets" : `/app/orders/${order.uuid}`);
    } catch (e) {
      haptic("error");
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const native = useMainButton(label, Boolean(type), () => void buy());

  if (!event) return <main>{error ? <FormError message={t("error", { message: error })} /> : t("loading")}</main>;
  return (
    <main>
      {event.image_url && <img className="event-image" src={event.image_url} alt="" />}
      <h1>{event.title}</h1>
      {event.subtitle && <p>{event.subtitle}</p>}
      <p className="muted">
        {formatDate(lang, event.start_date, event.timezone)} · {event.participation_type === "online" ? t("online") : event.location}
      </p>
      <p style={{ whiteSpace: "pre-wrap" }}>{event.description}</p>
      <a className="button secondary" href={`/api/v1/events/${event.event_uuid}/calendar.ics`} download>
        {t("addToCalendar")}
      </a>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void buy();
        }}
      >
        <fieldset className="card" style={{ border: 0 }}>
          <legend>{t("ticketType")}</legend>
          {(event.ticket_types ?? []).map((tt) => {
            const soldOut = tt.available !== null && tt.available !== undefined && tt.available <= 0;
            return (
              <label key={tt.id} className="row" style={{ padding: "6px 0" }}>
                <input type="radio" name="ticket-type" value={tt.id} checked={typeId === tt.id} disabled={soldOut} onChange={() => setTypeId(tt.id)} />
                <span>
                  {tt.name} — {tt.price === "0" ? t("free") : `${formatTon(tt.price)} TON`}
                  {tt.is_nft && <span className="badge"> {t("nft")}</span>}{" "}
                  <span className="muted">{soldOut ? t("soldOut") : tt.available != null ? t("left", { n: tt.available }) : ""}</span>
                </span>
              </label>
            );
          })}
        </fieldset>
        <Field label={t("quantity")}>
          {(id) => (
            <select id={id} value={quantity} onChange={(e) => setQuantity(Number(e.target.value))}>
              {Array.from({ length: Math.min(10, type?.per_user_limit ?? 10) }, (_, i) => i + 1).map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          )}
        </Field>
        <FormError message={error && t("error", { message: error })} />
        {!native && (
          <div className="sticky-action">
            <button type="submit" disabled={!type || busy}>
              {label}
            </button>
          </div>
        )}
      </form>
    </main>
  );
}
