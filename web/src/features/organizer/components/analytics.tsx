import { BarChart } from "@/components/bar-chart";
import { ColumnChart } from "@/components/column-chart";
import { FormError } from "@/components/field";
import { formatAmount, formatTon } from "@/lib/money";
import { useSales, useStats } from "../api/analytics";
import { cumulative, fillDays, percent } from "../lib/stats";

/** Sales over time, revenue, ticket types and check-in rate, as charts (each with its figures as text). */
export function Analytics(props: { eventUuid: string }) {
  const stats = useStats(props.eventUuid);
  const sales = useSales(props.eventUuid);
  const days = fillDays(sales.data?.days ?? []);
  const running = cumulative(days.map((d) => d.tickets));
  const s = stats.data;
  return (
    <>
      <FormError message={stats.error?.message ?? sales.error?.message} />
      {s && (
        <>
          <div className="grid">
            <div className="card">
              <div className="muted">Tickets sold</div>
              <strong className="figure">{s.totals.sold}</strong>
            </div>
            <div className="card">
              <div className="muted">Revenue</div>
              <strong className="figure" data-testid="revenue">
                {formatAmount(s.totals.revenue)}
              </strong>
            </div>
            <div className="card">
              <div className="muted">Checked in</div>
              <strong className="figure" data-testid="check-in-rate">
                {s.totals.checked_in} ({percent(s.totals.checked_in, s.totals.sold)}%)
              </strong>
            </div>
          </div>
          <ColumnChart
            title="Sales over time (tickets per day, UTC)"
            columns={days.map((d, i) => ({
              label: d.day.slice(5),
              value: d.tickets,
              text: `${d.day}: ${d.tickets} tickets, ${formatAmount(d.revenue)}; ${running[i]} in all`,
            }))}
          />
          <ColumnChart
            title="Revenue per day (TON)"
            columns={days.map((d) => ({ label: d.day.slice(5), value: Number(BigInt(d.revenue) / 1_000_000n), text: `${d.day}: ${formatAmount(d.revenue)}` }))}
          />
          <BarChart
            title="Tickets sold by type"
            bars={s.ticket_types.map((t) => ({ label: t.name, value: t.sold, text: `${t.sold}${t.supply != null ? ` / ${t.supply}` : ""}` }))}
          />
          <BarChart
            title="Revenue by type (TON)"
            bars={s.ticket_types.map((t) => ({ label: t.name, value: Number(BigInt(t.revenue) / 1_000_000n), text: formatTon(t.revenue) }))}
          />
          <BarChart
            title="Check-in rate by type (%)"
            bars={s.ticket_types.map((t) => ({ label: t.name, value: percent(t.checked_in, t.sold), text: `${percent(t.checked_in, t.sold)}%` }))}
          />
        </>
      )}
    </>
  );
}
