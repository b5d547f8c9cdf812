import { useState } from "react";
import { Field, FormError } from "@/components/field";
import { fieldErrors } from "@/lib/api-client";
import { formatAmount, parseUnits, currencies } from "@/lib/money";
import type { TicketType } from "@/lib/schemas";
import { useCreatePromoCode, usePromoCodes, type NewPromoCode } from "../api/promo-codes";

/** The event's promo codes and a form for a new one (a percentage, or a fixed amount in TON off the order). */
export function PromoCodes(props: { eventUuid: string; ticketTypes: TicketType[] }) {
  const codes = usePromoCodes(props.eventUuid);
  const create = useCreatePromoCode(props.eventUuid);
  const [code, setCode] = useState("");
  const [kind, setKind] = useState<"percent" | "amount">("percent");
  const [value, setValue] = useState("");
  const [maxUses, setMaxUses] = useState("");
  const [typeId, setTypeId] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = async () => {
    const body: NewPromoCode = { code: code.trim() };
    if (kind === "percent") {
      if (!/^[0-9]+$/.test(value.trim())) return setErrors({ discount_percent: "a whole percentage, 1 to 100" });
      body.discount_percent = Number(value);
    } else {
      const amount = parseUnits(value, currencies.TON.decimals);
      if (!amount.ok) return setErrors({ discount_amount: "an amount of TON, like 0.5" });
      body.discount_amount = amount.units;
    }
    if (maxUses.trim()) body.max_uses = Number(maxUses);
    if (typeId) body.ticket_type_id = Number(typeId);
    try {
      await create.mutateAsync(body);
      setCode("");
      setValue("");
      setMaxUses("");
      setErrors({});
    } catch (e) {
      setErrors(fieldErrors(e));
    }
  };
  const typeName = (id: number | null | undefined) => props.ticketTypes.find((t) => t.id === id)?.name ?? "all";
  return (
    <>
      <FormError message={codes.error?.message} />
      {codes.data && codes.data.items.length === 0 && <p className="muted">No promo codes yet.</p>}
      {codes.data && codes.data.items.length > 0 && (
        <table>
          <caption className="sr-only">Promo codes</caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Discount</th>
              <th scope="col">Used</th>
              <th scope="col">Ticket type</th>
            </tr>
          </thead>
          <tbody>
            {codes.data.items.map((p) => (
              <tr key={p.code} data-promo-code={p.code}>
                <td className="mono">{p.code}</td>
                <td>
                  {p.discount_percent != null ? `${p.discount_percent}%` : p.discount_amount ? formatAmount(p.discount_amount, p.currency ?? "TON") : "—"}
                </td>
                <td>
                  {p.used_count ?? 0}
                  {p.max_uses != null ? ` / ${p.max_uses}` : ""}
                </td>
                <td>{typeName(p.ticket_type_id)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="card"
        aria-label="New promo code"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h3>New promo code</h3>
        <Field label="Code" error={errors.code} hint="3 to 32 letters, digits, - or _; buyers type it in any case">
          {(id, d) => <input id={id} aria-describedby={d} required value={code} onChange={(e) => setCode(e.target.value)} />}
        </Field>
        <div className="row">
          <Field label="Discount kind">
            {(id) => (
              <select id={id} value={kind} onChange={(e) => setKind(e.target.value as "percent" | "amount")}>
                <option value="percent">Percent off</option>
                <option value="amount">TON off</option>
              </select>
            )}
          </Field>
          <Field label={kind === "percent" ? "Percent" : "TON off"} error={errors.discount_percent ?? errors.discount_amount}>
            {(id, d) => <input id={id} aria-describedby={d} inputMode="decimal" required value={value} onChange={(e) => setValue(e.target.value)} />}
          </Field>
          <Field label="Uses at most" error={errors.max_uses} hint="empty: unlimited">
            {(id, d) => <input id={id} aria-describedby={d} type="number" min={1} value={maxUses} onChange={(e) => setMaxUses(e.target.value)} />}
          </Field>
          <Field label="For ticket type" error={errors.ticket_type_id}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={typeId} onChange={(e) => setTypeId(e.target.value)}>
                <option value="">All</option>
                {props.ticketTypes.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <FormError message={errors[""]} />
        <button type="submit" disabled={create.isPending}>
          Create promo code
        </button>
      </form>
    </>
  );
}
