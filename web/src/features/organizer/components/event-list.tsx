import { Link } from "react-router-dom";
import { FormError } from "@/components/field";
import { useMyEvents } from "../api/events";

export function EventList() {
  const events = useMyEvents();
  return (
    <>
      <FormError message={events.error?.message} />
      {events.data?.items.length === 0 && <p className="muted">No events yet: create the first one.</p>}
      <div className="grid">
        {events.data?.items.map((e) => (
          <Link key={e.event_uuid} to={`/panel/events/${e.event_uuid}`} className="card plain-link">
            <h2>{e.title}</h2>
            <span className="badge">{e.status}</span> <span className="muted">{new Date(e.start_date * 1000).toLocaleString()}</span>
          </Link>
        ))}
      </div>
    </>
  );
}
