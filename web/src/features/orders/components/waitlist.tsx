import { FormError } from "@/components/field";
import { formatDate } from "@/lib/i18n";
import { useT } from "@/lib/i18n-context";
import type { EventInfo } from "@/lib/schemas";
import { useJoinWaitlist, useLeaveWaitlist, type WaitlistEntry } from "../api/waitlist";

/**
 * The waiting lists of an event's sold-out ticket types: join one, see your place, and when a freed seat is held
 * for you, that type can be bought above (one seat, until the offer lapses).
 */
export function Waitlist(props: { event: EventInfo; entries: WaitlistEntry[] }) {
  const { t, lang } = useT();
  const join = useJoinWaitlist(props.event.event_uuid);
  const leave = useLeaveWaitlist(props.event.event_uuid);
  const mine = (id: number) => props.entries.find((e) => e.ticket_type_id === id && (e.status === "waiting" || e.status === "offered"));
  const soldOut = (props.event.ticket_types ?? []).filter((tt) => tt.available != null && tt.available <= 0);
  if (soldOut.length === 0) return null;
  return (
    <section className="card" aria-label={t("waitlist")}>
      <h2>{t("waitlist")}</h2>
      {soldOut.map((tt) => {
        const entry = mine(tt.id);
        return (
          <div key={tt.id} className="row" data-waitlist-status={entry?.status ?? "none"}>
            <span className="grow">
              {tt.name}:{" "}
              {!entry
                ? t("soldOut")
                : entry.status === "offered"
                  ? t("waitlistOffered", { time: entry.offer_expires_at ? formatDate(lang, entry.offer_expires_at) : "" })
                  : t("waitlistPosition", { n: entry.position })}
            </span>
            {!entry ? (
              <button type="button" className="secondary" disabled={join.isPending} onClick={() => join.mutate(tt.id)}>
                {t("joinWaitlist")}
              </button>
            ) : (
              <button type="button" className="secondary" disabled={leave.isPending} onClick={() => leave.mutate(tt.id)}>
                {t("leaveWaitlist")}
              </button>
            )}
          </div>
        );
      })}
      <FormError message={join.error?.message ?? leave.error?.message} />
    </section>
  );
}
