import { NavLink } from "react-router-dom";

export function EventTabs(props: { uuid: string }) {
  const base = `/panel/events/${props.uuid}`;
  return (
    <nav aria-label="Event sections" className="row" style={{ marginBottom: 12 }}>
      <NavLink to={base} end>
        Details
      </NavLink>
      <NavLink to={`${base}/guests`}>Guests</NavLink>
      <NavLink to={`${base}/staff`}>Staff</NavLink>
      <NavLink to={`${base}/check-in`}>Check-in</NavLink>
      <NavLink to={`${base}/stats`}>Analytics</NavLink>
    </nav>
  );
}
