import { useState } from "react";
import { FormError } from "@/components/field";
import { fieldErrors } from "@/lib/api-client";
import { formatAmount, type Currency } from "@/lib/money";
import type { EventInfo } from "@/lib/schemas";
import { useEventAction } from "../api/events";
import { useEventOrders } from "../api/guests";
import { refundOnCancel } from "../lib/refunds";

/** What canceling will do, said before it is done: every paid order is refunded from the platform wallet. */
function CancelConfirmation(props: { uuid: string; onConfirm: () => void; onKeep: () => void; busy: boolean }) {
  const orders = useEventOrders(props.uuid);
  const summary = orders.data ? refundOnCancel(orders.data.items) : null;
  const totals = summary ? Object.entries(summary.totals).map(([c, a]) => formatAmount(a, c as Currency)) : [];
  return (
    <div className="card confirm" role="alertdialog" aria-labelledby="cancel-title" aria-describedby="cancel-what">
      <h3 id="cancel-title">Cancel this event?</h3>
      <p id="cancel-what" data-testid="cancel-consequence">
        {summary === null
          ? "Counting the paid orders…"
          : summary.count === 0
            ? "No order is paid yet: nothing will be refunded. Guests are told the event is canceled."
            : `${summary.count} paid order${summary.count === 1 ? "" : "s"} (${totals.join(", ")}) will be refunded in full from the platform wallet, and their tickets stop working. Guests are told the event is canceled.`}
      </p>
      <div className="row">
        <button type="button" className="danger" onClick={props.onConfirm} disabled={props.busy || summary === null}>
          Yes, cancel the event
        </button>
        <button type="button" className="secondary" onClick={props.onKeep} autoFocus>
          Keep the event
        </button>
      </div>
    </div>
  );
}

export function EventActions(props: { event: EventInfo; onCloned: (uuid: string) => void; onNotice: (text: string) => void }) {
  const uuid = props.event.event_uuid;
  const action = useEventAction(uuid);
  const [confirming, setConfirming] = useState(false);
  const run = (name: "publish" | "cancel" | "clone") =>
    action.mutate(name, {
      onSuccess: (result) => {
        setConfirming(false);
        if (name === "clone") {
          props.onCloned(result.event_uuid);
          props.onNotice("Cloned: this is the new draft.");
        } else {
          props.onNotice(name === "publish" ? "Published." : "Canceled: the paid orders are being refunded.");
        }
      },
    });
  const status = props.event.status;
  return (
    <section aria-label="Actions">
      <div className="row">
        {status === "draft" && (
          <button type="button" onClick={() => run("publish")} disabled={action.isPending}>
            Publish
          </button>
        )}
        {status === "published" && (
          <a className="button secondary" href={`/events/${uuid}`} target="_blank" rel="noreferrer">
            Public page
          </a>
        )}
        <button type="button" className="secondary" onClick={() => run("clone")} disabled={action.isPending}>
          Clone
        </button>
        {status !== "canceled" && !confirming && (
          <button type="button" className="secondary" onClick={() => setConfirming(true)}>
            Cancel event
          </button>
        )}
      </div>
      {confirming && <CancelConfirmation uuid={uuid} busy={action.isPending} onConfirm={() => run("cancel")} onKeep={() => setConfirming(false)} />}
      <FormError message={action.error ? (fieldErrors(action.error)[""] ?? action.error.message) : undefined} />
    </section>
  );
}
