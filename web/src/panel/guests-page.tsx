import { useEffect, useState } from "react";
import { useParams } from "react-router-dom";
import { Field, FormError } from "@/components/field";
import type { Guest } from "@/lib/api";
import { usePanel } from "./context";
import { EventTabs } from "./event-tabs";

export function GuestsPage() {
  const { uuid = "" } = useParams();
  const { api } = usePanel();
  const [q, setQ] = useState("");
  const [status, setStatus] = useState("");
  const [guests, setGuests] = useState<Guest[] | null>(null);
  const [error, setError] = useState<string>();
  const query = new URLSearchParams();
  if (q.trim()) query.set("q", q.trim());
  if (status) query.set("status", status);
  const qs = query.toString();
  useEffect(() => {
    const timer = setTimeout(() => {
      api.call<{ items: Guest[] }>(`/api/v1/events/${uuid}/guests?${qs}`).then((r) => setGuests(r.items), (e: Error) => setError(e.message));
    }, 200);
    return () => clearTimeout(timer);
  }, [api, uuid, qs]);

  // The CSV needs the bearer token, so it is fetched and handed to the browser as a file.
  const exportCsv = async () => {
    try {
      const url = URL.createObjectURL(await api.blob(`/api/v1/events/${uuid}/guests.csv?${qs}`));
      const a = document.createElement("a");
      a.href = url;
      a.download = `guests-${uuid}.csv`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <main>
      <h1>Guests</h1>
      <EventTabs uuid={uuid} />
      <div className="row">
        <Field label="Search guests">{(id) => <input id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}</Field>
        <Field label="Ticket status">
          {(id) => (
            <select id={id} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Any</option>
              {["valid", "used", "refunded", "transferred", "canceled"].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" className="secondary" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      <FormError message={error} />
      {guests && (
        <table>
          <thead>
            <tr>
              <th>Guest</th>
              <th>Ticket</th>
              <th>Status</th>
              <th>Checked in</th>
            </tr>
          </thead>
          <tbody>
            {guests.map((g) => (
              <tr key={g.id}>
                <td>
                  {g.holder ? `${g.holder.first_name}${g.holder.last_name ? ` ${g.holder.last_name}` : ""}` : g.holder_id}
                  {g.holder?.username && <span className="muted"> @{g.holder.username}</span>}
                </td>
                <td>{g.ticket_type_name}</td>
                <td>{g.status}</td>
                <td>{g.checked_in_at ? new Date(g.checked_in_at * 1000).toLocaleString() : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {guests?.length === 0 && <p className="muted">No guests match.</p>}
    </main>
  );
}
