import { NavLink } from "react-router-dom";
import type { EventInfo } from "@/lib/schemas";

/**
 * The sections of an event. Check-in staff (who manage nothing) get the check-in desk only; approval-only events
 * have applications; online events check in by phrase on the check-in tab.
 */
export function EventTabs(props: { uuid: string; event?: EventInfo; staffOnly?: boolean }) {
  const base = `/panel/events/${props.uuid}`;
  if (props.staffOnly) {
    return (
      <nav aria-label="Event sections" className="row" style={{ marginBottom: 12 }}>
        <NavLink to={`${base}/check-in`}>Check-in</NavLink>
      </nav>
    );
  }
  return (
    <nav aria-label="Event sections" className="row" style={{ marginBottom: 12 }}>
      <NavLink to={base} end>
        Details
      </NavLink>
      <NavLink to={`${base}/guests`}>Guests</NavLink>
      {props.event?.requires_approval && <NavLink to={`${base}/applications`}>Applications</NavLink>}
      <NavLink to={`${base}/promo-codes`}>Promo codes</NavLink>
      <NavLink to={`${base}/staff`}>Staff</NavLink>
      <NavLink to={`${base}/check-in`}>Check-in</NavLink>
      <NavLink to={`${base}/stats`}>Analytics</NavLink>
    </nav>
  );
}
