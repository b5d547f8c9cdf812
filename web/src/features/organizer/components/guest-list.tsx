import { useState } from "react";
import { Field, FormError } from "@/components/field";
import { useApi } from "@/lib/api-context";
import { formatAmount } from "@/lib/money";
import type { TicketType } from "@/lib/schemas";
import { exportGuests, useEventOrders, useGuests, useRefundOrder, type EventOrder, type GuestFilters } from "../api/guests";
import { moneyState, moneyStateLabel, ordersByUuid, refundable } from "../lib/refunds";

/** The refund action of one paid order (the event's owner and co-organizers), confirmed inline before it is sent. */
function RefundAction(props: { eventUuid: string; order: EventOrder; buyer: string }) {
  const refund = useRefundOrder(props.eventUuid);
  const [confirming, setConfirming] = useState(false);
  const amount = formatAmount(props.order.total_price, props.order.currency);
  if (!confirming) {
    return (
      <button type="button" className="secondary" onClick={() => setConfirming(true)} aria-label={`Refund ${props.buyer}'s order`}>
        Refund…
      </button>
    );
  }
  return (
    <div role="alertdialog" aria-label={`Refund ${amount} to ${props.buyer}?`} className="confirm">
      <p>
        Send {amount} back to {props.buyer} and void {props.order.quantity === 1 ? "the ticket" : `the ${props.order.quantity} tickets`}?
      </p>
      <div className="row">
        <button
          type="button"
          className="danger"
          disabled={refund.isPending}
          onClick={() => refund.mutate(props.order.uuid, { onSuccess: () => setConfirming(false) })}
        >
          Refund {amount}
        </button>
        <button type="button" className="secondary" onClick={() => setConfirming(false)} autoFocus>
          Keep
        </button>
      </div>
      <FormError message={refund.error?.message} />
    </div>
  );
}

/** Guests (one row per ticket) with search, filters, CSV export, each order's payment or refund state, refunds. */
export function GuestList(props: { eventUuid: string; canRefund: boolean; ticketTypes: TicketType[] }) {
  const api = useApi();
  const [filters, setFilters] = useState<GuestFilters>({ q: "", status: "", ticketTypeId: null });
  const guests = useGuests(props.eventUuid, filters);
  const orders = useEventOrders(props.eventUuid);
  const [error, setError] = useState<string>();
  const byUuid = ordersByUuid(orders.data?.items ?? []);

  // The CSV needs the bearer token, so it is fetched and handed to the browser as a file.
  const exportCsv = async () => {
    try {
      const url = URL.createObjectURL(await exportGuests(api, props.eventUuid, filters));
      const a = document.createElement("a");
      a.href = url;
      a.download = `guests-${props.eventUuid}.csv`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  // One refund button per order, on its first ticket's row.
  const refundShown = new Set<string>();

  return (
    <>
      <form className="row" role="search" aria-label="Guests" onSubmit={(e) => e.preventDefault()}>
        <Field label="Search guests">
          {(id) => <input id={id} type="search" value={filters.q} onChange={(e) => setFilters({ ...filters, q: e.target.value })} />}
        </Field>
        <Field label="Ticket status">
          {(id) => (
            <select id={id} value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value })}>
              <option value="">Any</option>
              {["valid", "used", "refunded", "transferred", "canceled"].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Ticket type">
          {(id) => (
            <select
              id={id}
              value={filters.ticketTypeId ?? ""}
              onChange={(e) => setFilters({ ...filters, ticketTypeId: e.target.value ? Number(e.target.value) : null })}
            >
              <option value="">Any</option>
              {props.ticketTypes.map((tt) => (
                <option key={tt.id} value={tt.id}>
                  {tt.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" className="secondary" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </form>
      <FormError message={error ?? guests.error?.message ?? orders.error?.message} />
      {guests.data && (
        <table>
          <caption className="sr-only">Guests of this event</caption>
          <thead>
            <tr>
              <th scope="col">Guest</th>
              <th scope="col">Ticket</th>
              <th scope="col">Status</th>
              <th scope="col">Payment</th>
              <th scope="col">Checked in</th>
              {props.canRefund && <th scope="col">Refund</th>}
            </tr>
          </thead>
          <tbody>
            {guests.data.items.map((g) => {
              const order = byUuid.get(g.order_uuid);
              const name = g.holder ? `${g.holder.first_name}${g.holder.last_name ? ` ${g.holder.last_name}` : ""}` : String(g.holder_id);
              const showRefund = props.canRefund && order !== undefined && refundable(order) && !refundShown.has(order.uuid);
              if (order) refundShown.add(order.uuid);
              const state = order ? moneyState(order) : null;
              return (
                <tr key={g.id} data-order-uuid={g.order_uuid}>
                  <td>
                    {name}
                    {g.holder?.username && <span className="muted"> @{g.holder.username}</span>}
                  </td>
                  <td>{g.ticket_type_name}</td>
                  <td>{g.status}</td>
                  <td data-testid="money-state" data-money-state={order && order.total_price !== "0" ? (state ?? "") : ""}>
                    {order && order.total_price !== "0" ? `${formatAmount(order.total_price, order.currency)} · ${moneyStateLabel[state!]}` : "free"}
                  </td>
                  <td>{g.checked_in_at ? new Date(g.checked_in_at * 1000).toLocaleString() : "—"}</td>
                  {props.canRefund && <td>{showRefund && order && <RefundAction eventUuid={props.eventUuid} order={order} buyer={name} />}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {guests.data?.items.length === 0 && <p className="muted">No guests match.</p>}
    </>
  );
}
