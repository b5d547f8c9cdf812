import { useMemo, useState } from "react";
import { Field, FormError } from "@/components/field";
import { useMainButton } from "@/hooks/use-telegram-buttons";
import { newIdempotencyKey } from "@/lib/api-client";
import { useT } from "@/lib/i18n-context";
import { formatAmount, formatUnits, currencies, multiplyNanotons } from "@/lib/money";
import type { EventInfo, Order } from "@/lib/schemas";
import { haptic } from "@/lib/telegram";
import { useCreateOrder } from "../api/orders";

/** Choose a ticket type and a quantity and order; Telegram's main button is the buy button inside Telegram. */
export function BuyForm(props: { event: EventInfo; onOrdered: (order: Order) => void }) {
  const { t } = useT();
  const types = props.event.ticket_types ?? [];
  const firstOpen = types.find((tt) => tt.available == null || tt.available > 0);
  const [typeId, setTypeId] = useState<number | null>(firstOpen?.id ?? null);
  const [quantity, setQuantity] = useState(1);
  const create = useCreateOrder();
  // One key per chosen purchase: a retry after a lost answer gets the same order back, not a second one.
  const idempotencyKey = useMemo(() => newIdempotencyKey(), [typeId, quantity]); // eslint-disable-line react-hooks/exhaustive-deps
  const type = types.find((tt) => tt.id === typeId);
  const total = type ? multiplyNanotons(type.price, quantity) : "0";
  const label =
    type && type.price !== "0"
      ? t("buy", { amount: formatUnits(total, currencies[type.currency].decimals), currency: currencies[type.currency].symbol })
      : t("getFree");

  const buy = () => {
    if (!type || create.isPending) return;
    create.mutate(
      { order: { event_uuid: props.event.event_uuid, ticket_type_id: type.id, quantity }, idempotencyKey },
      {
        onSuccess: (order) => {
          haptic("success");
          props.onOrdered(order);
        },
        onError: () => haptic("error"),
      },
    );
  };
  const native = useMainButton(label, Boolean(type), buy);

  return (
    <form
      aria-label={t("ticketType")}
      onSubmit={(e) => {
        e.preventDefault();
        buy();
      }}
    >
      <fieldset className="card borderless">
        <legend>{t("ticketType")}</legend>
        {types.map((tt) => {
          const soldOut = tt.available != null && tt.available <= 0;
          return (
            <label key={tt.id} className="row choice">
              <input type="radio" name="ticket-type" value={tt.id} checked={typeId === tt.id} disabled={soldOut} onChange={() => setTypeId(tt.id)} />
              <span>
                {tt.name} — {tt.price === "0" ? t("free") : formatAmount(tt.price, tt.currency)}
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
      <FormError message={create.error ? t("error", { message: create.error.message }) : undefined} />
      {!native && (
        <div className="sticky-action">
          <button type="submit" disabled={!type || create.isPending}>
            {label}
          </button>
        </div>
      )}
    </form>
  );
}
