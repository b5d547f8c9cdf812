import { formatDate } from "@/lib/i18n";
import { useT } from "@/lib/i18n-context";
import type { EventInfo } from "@/lib/schemas";
import { OutboundLink } from "@/components/outbound-link";

/** An event as a participant sees it: image, title, when and where, description, add to calendar. */
export function EventDetails(props: { event: EventInfo }) {
  const { t, lang } = useT();
  const event = props.event;
  return (
    <>
      {event.image_url && <img className="event-image" src={event.image_url} alt="" />}
      <h1>{event.title}</h1>
      {event.subtitle && <p>{event.subtitle}</p>}
      <p className="muted">
        {formatDate(lang, event.start_date, event.timezone)} · {event.participation_type === "online" ? t("online") : event.location}
      </p>
      <p className="pre-wrap">{event.description}</p>
      <OutboundLink className="button secondary" href={`/api/v1/events/${event.event_uuid}/calendar.ics`} download={`${event.event_uuid}.ics`}>
        {t("addToCalendar")}
      </OutboundLink>
    </>
  );
}
