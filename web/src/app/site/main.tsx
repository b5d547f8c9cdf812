import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Link, Route, Routes, useParams } from "react-router-dom";
import { Api, type EventInfo } from "@/lib/api";
import { miniAppLink } from "@/lib/links";
import { formatTon } from "@/lib/ton";
import "@/styles.css";

const api = new Api("onton.site.session");
const bot = document.querySelector<HTMLMetaElement>('meta[name="onton:bot"]')?.content || null;

function when(e: EventInfo): string {
  return new Date(e.start_date * 1000).toLocaleString(undefined, { dateStyle: "full", timeStyle: "short" });
}

function Landing() {
  const [events, setEvents] = useState<EventInfo[] | null>(null);
  useEffect(() => {
    api.call<{ items: EventInfo[] }>("/api/v1/events?when=upcoming&limit=30").then((r) => setEvents(r.items), () => setEvents([]));
  }, []);
  return (
    <main>
      <section className="hero">
        <h1>Events on TON, tickets in Telegram</h1>
        <p className="muted">Find an event, pay in TON, keep your ticket in Telegram.</p>
        <a className="button" href={bot ? `https://t.me/${bot}/app` : "/app"}>
          Open the Mini App
        </a>{" "}
        <a className="button secondary" href="/panel">
          Organize an event
        </a>
      </section>
      <h2>Upcoming events</h2>
      {events?.length === 0 && <p className="muted">No upcoming events yet.</p>}
      <div className="grid">
        {events?.map((e) => (
          <Link key={e.event_uuid} to={`/events/${e.event_uuid}`} className="card" style={{ color: "inherit", textDecoration: "none" }}>
            {e.image_url && <img className="event-image" src={e.image_url} alt="" />}
            <h3>{e.title}</h3>
            <div className="muted">{when(e)}</div>
          </Link>
        ))}
      </div>
    </main>
  );
}

function EventPage() {
  const { uuid = "" } = useParams();
  const [event, setEvent] = useState<EventInfo | null>(null);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    api.call<EventInfo>(`/api/v1/events/${encodeURIComponent(uuid)}`).then(setEvent, () => setMissing(true));
  }, [uuid]);
  if (missing) return <main><h1>Event not found</h1><Link to="/">All events</Link></main>;
  if (!event) return <main>Loading…</main>;
  const prices = (event.ticket_types ?? []).map((t) => (t.price === "0" ? "free" : `${formatTon(t.price)} TON`));
  return (
    <main>
      <p>
        <Link to="/">← All events</Link>
      </p>
      {event.image_url && <img className="event-image" src={event.image_url} alt="" />}
      <h1>{event.title}</h1>
      {event.subtitle && <p>{event.subtitle}</p>}
      <p className="muted">
        {when(event)} · {event.participation_type === "online" ? "Online" : event.location}
      </p>
      <p style={{ whiteSpace: "pre-wrap" }}>{event.description}</p>
      {prices.length > 0 && <p>Tickets: {prices.join(", ")}</p>}
      <a className="button" href={miniAppLink(event.event_uuid, bot)}>
        Get tickets in the Mini App
      </a>{" "}
      <a className="button secondary" href={`/api/v1/events/${event.event_uuid}/calendar.ics`} download>
        Add to calendar
      </a>
    </main>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <BrowserRouter>
      <header className="bar">
        <Link className="brand" to="/">
          Onton
        </Link>
        <nav aria-label="Main">
          <a href="/app">Mini App</a>
          <a href="/panel">Organizers</a>
        </nav>
      </header>
      <Routes>
        <Route path="/" element={<Landing />} />
        <Route path="/events/:uuid" element={<EventPage />} />
        <Route path="*" element={<Landing />} />
      </Routes>
    </BrowserRouter>
  </StrictMode>,
);
