// The public site at /: the upcoming public events and a shareable page per event (its Open Graph tags come from
// `onton serve`), each with a button that opens the Mini App.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Link, Route, Routes, useParams } from "react-router-dom";
import { useEvent, useEvents } from "@/features/events/api/events";
import { Api } from "@/lib/api-client";
import { ApiProvider } from "@/lib/api-context";
import { miniAppLink } from "@/lib/links";
import { formatAmount } from "@/lib/money";
import type { EventInfo } from "@/lib/schemas";
import "@/styles.css";

const api = new Api("onton.site.session");
const bot = document.querySelector<HTMLMetaElement>('meta[name="onton:bot"]')?.content || null;

function when(e: EventInfo): string {
  return new Date(e.start_date * 1000).toLocaleString(undefined, { dateStyle: "full", timeStyle: "short" });
}

function Landing() {
  const events = useEvents({ when: "upcoming", limit: 30 }).data?.items;
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
          <Link key={e.event_uuid} to={`/events/${e.event_uuid}`} className="card plain-link">
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
  const query = useEvent(uuid);
  const event = query.data;
  if (query.isError)
    return (
      <main>
        <h1>Event not found</h1>
        <Link to="/">All events</Link>
      </main>
    );
  if (!event) return <main>Loading…</main>;
  const prices = (event.ticket_types ?? []).map((t) => (t.price === "0" ? "free" : formatAmount(t.price, t.currency)));
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
      <p className="pre-wrap">{event.description}</p>
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
    <ApiProvider api={api}>
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
    </ApiProvider>
  </StrictMode>,
);
