import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { FormError } from "@/components/field";
import type { EventInfo } from "@/lib/api";
import { usePanel } from "./context";

export function EventsPage() {
  const { api } = usePanel();
  const [events, setEvents] = useState<EventInfo[] | null>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.call<{ items: EventInfo[] }>("/api/v1/events?mine=true&when=all&limit=100").then((r) => setEvents(r.items), (e: Error) => setError(e.message));
  }, [api]);
  return (
    <main>
      <div className="row">
        <h1 style={{ marginRight: "auto" }}>Your events</h1>
        <Link className="button" to="/panel/events/new">
          New event
        </Link>
      </div>
      <FormError message={error} />
      {events?.length === 0 && <p className="muted">No events yet: create the first one.</p>}
      <div className="grid">
        {events?.map((e) => (
          <Link key={e.event_uuid} to={`/panel/events/${e.event_uuid}`} className="card" style={{ color: "inherit", textDecoration: "none" }}>
            <h2>{e.title}</h2>
            <span className="badge">{e.status}</span> <span className="muted">{new Date(e.start_date * 1000).toLocaleString()}</span>
          </Link>
        ))}
      </div>
    </main>
  );
}
