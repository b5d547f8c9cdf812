import { useEffect, useState } from "react";
import { useParams } from "react-router-dom";
import { BarChart } from "@/components/bar-chart";
import { FormError } from "@/components/field";
import type { Guest, Stats } from "@/lib/api";
import { percent, salesByDay } from "@/lib/stats";
import { formatTon } from "@/lib/ton";
import { usePanel } from "./context";
import { EventTabs } from "./event-tabs";

export function StatsPage() {
  const { uuid = "" } = useParams();
  const { api } = usePanel();
  const [stats, setStats] = useState<Stats | null>(null);
  const [guests, setGuests] = useState<Guest[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.call<Stats>(`/api/v1/events/${uuid}/stats`).then(setStats, (e: Error) => setError(e.message));
    api.call<{ items: Guest[] }>(`/api/v1/events/${uuid}/guests`).then((r) => setGuests(r.items), () => setGuests([]));
  }, [api, uuid]);
  return (
    <main>
      <h1>Analytics</h1>
      <EventTabs uuid={uuid} />
      <FormError message={error} />
      {stats && (
        <>
          <div className="grid">
            <div className="card">
              <div className="muted">Tickets sold</div>
              <strong style={{ fontSize: "1.6rem" }}>{stats.totals.sold}</strong>
            </div>
            <div className="card">
              <div className="muted">Revenue</div>
              <strong style={{ fontSize: "1.6rem" }}>{formatTon(stats.totals.revenue)} TON</strong>
            </div>
            <div className="card">
              <div className="muted">Checked in</div>
              <strong style={{ fontSize: "1.6rem" }}>
                {stats.totals.checked_in} ({percent(stats.totals.checked_in, stats.totals.sold)}%)
              </strong>
            </div>
          </div>
          <BarChart title="Sales over time (tickets per day)" bars={salesByDay(guests.map((g) => g.created_at ?? 0)).map((d) => ({ label: d.day, value: d.count }))} />
          <BarChart title="Tickets sold by type" bars={stats.ticket_types.map((t) => ({ label: t.name, value: t.sold, text: `${t.sold}${t.supply != null ? ` / ${t.supply}` : ""}` }))} />
          <BarChart title="Revenue by type (TON)" bars={stats.ticket_types.map((t) => ({ label: t.name, value: Number(BigInt(t.revenue) / 1000000n), text: formatTon(t.revenue) }))} />
          <BarChart title="Check-in rate by type (%)" bars={stats.ticket_types.map((t) => ({ label: t.name, value: percent(t.checked_in, t.sold), text: `${percent(t.checked_in, t.sold)}%` }))} />
        </>
      )}
    </main>
  );
}
