import { useMemo, useState } from "react";
import { Field, FormError } from "@/components/field";
import { useMainButton } from "@/hooks/use-telegram-buttons";
import { ApiError, newIdempotencyKey } from "@/lib/api-client";
import { useT } from "@/lib/i18n-context";
import { formatAmount, formatUnits, currencies, multiplyNanotons } from "@/lib/money";
import type { EventInfo, Order } from "@/lib/schemas";
import { haptic } from "@/lib/telegram";
import { useCreateOrder } from "../api/orders";

/**
 * Choose a ticket type and a quantity (and a promo code) and order; Telegram's main button is the buy button inside
 * Telegram. `accessCode` opens a hidden type (the organizer's direct link); `offered` are the types whose seat the
 * waiting list holds for this user (sold out for others, one seat for them).
 */
export function BuyForm(props: { event: EventInfo; onOrdered: (order: Order) => void; accessCode?: string; offered?: ReadonlySet<number> }) {
  const { t } = useT();
  const types = props.event.ticket_types ?? [];
  const open = (tt: { id: number; available?: number | null }) => tt.available == null || tt.available > 0 || Boolean(props.offered?.has(tt.id));
  const firstOpen = types.find(open);
  const [typeId, setTypeId] = useState<number | null>(firstOpen?.id ?? null);
  const [quantity, setQuantity] = useState(1);
  const [promo, setPromo] = useState("");
  const create = useCreateOrder();
  // One key per chosen purchase: a retry after a lost answer gets the same order back, not a second one.
  const idempotencyKey = useMemo(() => newIdempotencyKey(), [typeId, quantity, promo]); // eslint-disable-line react-hooks/exhaustive-deps
  const type = types.find((tt) => tt.id === typeId);
  const total = type ? multiplyNanotons(type.price, quantity) : "0";
  const label =
    type && type.price !== "0"
      ? t("buy", { amount: formatUnits(total, currencies[type.currency].decimals), currency: currencies[type.currency].symbol })
      : t("getFree");

  const buy = () => {
    if (!type || create.isPending) return;
    create.mutate(
      {
        order: {
          event_uuid: props.event.event_uuid,
          ticket_type_id: type.id,
          quantity,
          ...(promo.trim() ? { promo_code: promo.trim() } : {}),
          ...(props.accessCode ? { access_code: props.accessCode } : {}),
        },
        idempotencyKey,
      },
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
  const promoError = create.error instanceof ApiError && create.error.code.startsWith("promo.") ? create.error : null;

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
          const soldOut = !open(tt);
          return (
            <label key={tt.id} className="row choice">
              <input type="radio" name="ticket-type" value={tt.id} checked={typeId === tt.id} disabled={soldOut} onChange={() => setTypeId(tt.id)} />
              <span>
                {tt.name} — {tt.price === "0" ? t("free") : formatAmount(tt.price, tt.currency)}
                {tt.is_nft && <span className="badge"> {t("nft")}</span>}{" "}
                <span className="muted">
                  {props.offered?.has(tt.id) ? t("seatHeld") : soldOut ? t("soldOut") : tt.available != null ? t("left", { n: tt.available }) : ""}
                </span>
                {tt.description && <span className="muted block">{tt.description}</span>}
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
      <Field label={t("promoCode")} error={promoError ? t("error", { message: promoError.message }) : undefined}>
        {(id, d) => <input id={id} aria-describedby={d} autoComplete="off" value={promo} onChange={(e) => setPromo(e.target.value)} />}
      </Field>
      <FormError message={create.error && !promoError ? t("error", { message: create.error.message }) : undefined} />
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
