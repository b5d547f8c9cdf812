import { Link } from "react-router-dom";
import { FormError } from "@/components/field";
import { formatDate } from "@/lib/i18n";
import { useMyEvents } from "../api/events";

export function EventList() {
  const events = useMyEvents();
  return (
    <>
      <FormError message={events.error?.message} />
      {events.data?.items.length === 0 && <p className="muted">No events yet: create the first one.</p>}
      <div className="grid">
        {events.data?.items.map((e) => (
          <Link
            key={e.event_uuid}
            to={e.my_role === "checkin_staff" ? `/panel/events/${e.event_uuid}/check-in` : `/panel/events/${e.event_uuid}`}
            className="card plain-link"
            data-my-role={e.my_role ?? ""}
          >
            <h2>{e.title}</h2>
            <span className="badge">{e.status}</span>
            {e.my_role === "checkin_staff" && <span className="badge"> check-in staff</span>}
            {e.my_role === "co_organizer" && <span className="badge"> co-organizer</span>}{" "}
            <span className="muted">{formatDate("en", e.start_date, e.timezone)}</span>
          </Link>
        ))}
      </div>
    </>
  );
}
