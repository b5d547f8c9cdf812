import type { ReactNode } from "react";
import { Link, Navigate, Route, Routes, useNavigate, useParams } from "react-router-dom";
import { CheckInDesk } from "@/features/checkin/components/check-in-desk";
import { useEvent } from "@/features/events/api/events";
import { useSignOut } from "@/features/identity/api/sign-in";
import { LoginWidgetSignIn } from "@/features/identity/components/login-widget-sign-in";
import { WalletSection } from "@/features/identity/components/wallet-section";
import { useMyEvents } from "@/features/organizer/api/events";
import { Analytics } from "@/features/organizer/components/analytics";
import { Applications } from "@/features/organizer/components/applications";
import { CheckInPhrase } from "@/features/organizer/components/check-in-phrase";
import { EventEditor } from "@/features/organizer/components/event-editor";
import { EventList } from "@/features/organizer/components/event-list";
import { GuestList } from "@/features/organizer/components/guest-list";
import { PromoCodes } from "@/features/organizer/components/promo-codes";
import { StaffManager } from "@/features/organizer/components/staff-manager";
import { useApi } from "@/lib/api-context";
import type { EventInfo } from "@/lib/schemas";
import { useMe } from "@/lib/session";
import { EventTabs } from "./event-tabs";

/**
 * Whether the signed-in user only checks guests in at this event (check-in staff): the panel shows them the desk
 * alone. Drafts and private fields are the managers' (the API answers 404/403 to staff there anyway).
 */
function useStaffOnly(uuid: string): boolean {
  const mine = useMyEvents();
  return mine.data?.items.find((e) => e.event_uuid === uuid)?.my_role === "checkin_staff";
}

/** An event's page in the panel: its title, the section tabs and the section. */
function EventSection(props: { title: string; children: (uuid: string, event: EventInfo | undefined) => ReactNode }) {
  const { uuid = "" } = useParams();
  const event = useEvent(uuid);
  const staffOnly = useStaffOnly(uuid);
  return (
    <main>
      <p>
        <Link to="/panel">← All events</Link>
      </p>
      <h1>
        {props.title}
        {event.data ? ` — ${event.data.title}` : ""}
      </h1>
      <EventTabs uuid={uuid} event={event.data} staffOnly={staffOnly} />
      {props.children(uuid, event.data)}
    </main>
  );
}

function EditorRoute() {
  const { uuid } = useParams();
  const navigate = useNavigate();
  const event = useEvent(uuid ?? "");
  const staffOnly = useStaffOnly(uuid ?? "");
  const go = (next: string) => navigate(`/panel/events/${next}`);
  if (uuid && staffOnly) return <Navigate to={`/panel/events/${uuid}/check-in`} replace />;
  if (!uuid) {
    return (
      <main>
        <p>
          <Link to="/panel">← All events</Link>
        </p>
        <h1>New event</h1>
        <EventEditor key="new" onCreated={go} onCloned={go} />
      </main>
    );
  }
  return (
    <main>
      <p>
        <Link to="/panel">← All events</Link>
      </p>
      <h1>{event.data?.title ?? "Event"}</h1>
      <EventTabs uuid={uuid} event={event.data} />
      {event.data ? <EventEditor key={uuid} event={event.data} onCreated={go} onCloned={go} /> : <p>{event.error?.message ?? "Loading…"}</p>}
    </main>
  );
}

function EventsRoute() {
  return (
    <main>
      <div className="row">
        <h1 className="grow">Your events</h1>
        <Link className="button" to="/panel/events/new">
          New event
        </Link>
      </div>
      <EventList />
    </main>
  );
}

export function Panel() {
  const api = useApi();
  const me = useMe();
  const signOut = useSignOut();
  if (api.signedIn && me.isPending) return null;
  const user = me.data;
  if (!user) return <LoginWidgetSignIn />;
  const isAdmin = user.role === "admin";
  return (
    <>
      <header className="bar">
        <span className="brand">Onton · organizer</span>
        <span className="muted">
          {user.first_name}
          {user.username ? ` @${user.username}` : ""}
          {isAdmin ? " · admin" : ""}
        </span>
        <Link to="/panel/wallet">Wallet</Link>
        <button type="button" className="secondary" onClick={() => signOut.mutate()}>
          Sign out
        </button>
      </header>
      <Routes>
        <Route path="/panel" element={<EventsRoute />} />
        <Route
          path="/panel/wallet"
          element={
            <main>
              <WalletSection />
            </main>
          }
        />
        <Route path="/panel/events/new" element={<EditorRoute />} />
        <Route path="/panel/events/:uuid" element={<EditorRoute />} />
        <Route
          path="/panel/events/:uuid/guests"
          element={
            <EventSection title="Guests">{(uuid, event) => <GuestList eventUuid={uuid} canRefund ticketTypes={event?.ticket_types ?? []} />}</EventSection>
          }
        />
        <Route
          path="/panel/events/:uuid/applications"
          element={<EventSection title="Applications">{(uuid) => <Applications eventUuid={uuid} />}</EventSection>}
        />
        <Route
          path="/panel/events/:uuid/promo-codes"
          element={<EventSection title="Promo codes">{(uuid, event) => <PromoCodes eventUuid={uuid} ticketTypes={event?.ticket_types ?? []} />}</EventSection>}
        />
        <Route
          path="/panel/events/:uuid/staff"
          element={<EventSection title="Co-organizers and check-in staff">{(uuid) => <StaffManager eventUuid={uuid} />}</EventSection>}
        />
        <Route
          path="/panel/events/:uuid/check-in"
          element={
            <EventSection title="Check-in">
              {(uuid, event) => (
                <>
                  <CheckInDesk eventUuid={uuid} />
                  {event?.participation_type === "online" && event.online_link !== undefined && <CheckInPhrase eventUuid={uuid} />}
                </>
              )}
            </EventSection>
          }
        />
        <Route path="/panel/events/:uuid/stats" element={<EventSection title="Analytics">{(uuid) => <Analytics eventUuid={uuid} />}</EventSection>} />
        <Route path="*" element={<Navigate to="/panel" replace />} />
      </Routes>
    </>
  );
}
