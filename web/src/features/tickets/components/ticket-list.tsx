import { useState } from "react";
import { Field } from "@/components/field";
import { QrCode } from "@/components/qr-code";
import { formatDate } from "@/lib/i18n";
import { useT } from "@/lib/i18n-context";
import type { Ticket } from "@/lib/schemas";
import { useMyTickets, useTransferTicket } from "../api/tickets";
import { OutboundLink } from "@/components/outbound-link";

function TransferForm(props: { ticket: Ticket; onDone: () => void }) {
  const { t } = useT();
  const [to, setTo] = useState("");
  const transfer = useTransferTicket();
  return (
    <form
      aria-label={`${t("transfer")} — ${props.ticket.ticket_type_name}`}
      onSubmit={(e) => {
        e.preventDefault();
        transfer.mutate({ ticketId: props.ticket.id, toUserId: Number(to) }, { onSuccess: props.onDone });
      }}
    >
      <Field label={t("transferTo")} error={transfer.error?.message}>
        {(id, describedBy) => (
          <input id={id} aria-describedby={describedBy} inputMode="numeric" pattern="[0-9]+" required value={to} onChange={(e) => setTo(e.target.value)} />
        )}
      </Field>
      <button type="submit" className="secondary" disabled={transfer.isPending}>
        {t("transfer")}
      </button>
    </form>
  );
}

/** The participant's tickets: QR code and code to show at the door, the NFT, add to calendar, transfer. */
export function TicketList() {
  const { t, lang } = useT();
  const tickets = useMyTickets();
  const [notice, setNotice] = useState<string>();
  if (!tickets.data) return <p>{tickets.error ? t("error", { message: tickets.error.message }) : t("loading")}</p>;
  const shown = tickets.data.items.filter((x) => x.status !== "transferred");
  return (
    <>
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
              <p className="mono" data-testid="check-in-code" data-qr-payload={ticket.qr_payload}>
                {ticket.check_in_code}
              </p>
            </>
          )}
          {ticket.nft && (
            <p className="muted" data-testid="ticket-nft" data-nft-state={ticket.nft.state} data-nft-address={ticket.nft.address ?? ""}>
              {t(`nft_${ticket.nft.state}`, { index: ticket.nft.index ?? "" })}
              {ticket.nft.state === "minted" && ticket.nft.address && <span className="mono"> {ticket.nft.address}</span>}
            </p>
          )}
          <div className="row">
            <OutboundLink className="button secondary" href={`/api/v1/events/${ticket.event_uuid}/calendar.ics`} download={`${ticket.event_uuid}.ics`}>
              {t("addToCalendar")}
            </OutboundLink>
          </div>
          {ticket.status === "valid" && <TransferForm ticket={ticket} onDone={() => setNotice(t("transferDone"))} />}
        </article>
      ))}
    </>
  );
}
