import { BarChart } from "@/components/bar-chart";
import { ColumnChart } from "@/components/column-chart";
import { FormError } from "@/components/field";
import { currencies, formatAmount, type Currency } from "@/lib/money";
import { useSales, useStats } from "../api/analytics";
import { cumulative, currenciesIn, fillDays, percent } from "../lib/stats";

/** A chart's bar length for an amount: whole units (bars need numbers; the text shows the exact amount). */
function units(amount: string, currency: Currency): number {
  return Number(BigInt(amount) / 10n ** BigInt(currencies[currency].decimals));
}

/** Sales over time, revenue, ticket types and check-in rate, as charts (each with its figures as text). */
export function Analytics(props: { eventUuid: string }) {
  const stats = useStats(props.eventUuid);
  const sales = useSales(props.eventUuid);
  const days = fillDays(sales.data?.days ?? []);
  const running = cumulative(days.map((d) => d.tickets));
  const earned = currenciesIn(days);
  const s = stats.data;
  // Amounts of different currencies never add up: the revenue figure lists each.
  const totals = s ? Object.entries(s.totals.revenue_by_currency ?? { TON: s.totals.revenue }) : [];
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
                {totals.length === 0 ? "—" : totals.map(([c, a]) => formatAmount(a, c as Currency)).join(" · ")}
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
            columns={days.map((d, i) => ({ label: d.day.slice(5), value: d.tickets, text: `${d.day}: ${d.tickets} tickets; ${running[i]} in all` }))}
          />
          {earned.map((c) => (
            <ColumnChart
              key={c}
              title={`Revenue per day (${currencies[c].symbol})`}
              columns={days.map((d) => ({
                label: d.day.slice(5),
                value: units(d.revenue[c] ?? "0", c),
                text: `${d.day}: ${formatAmount(d.revenue[c] ?? "0", c)}`,
              }))}
            />
          ))}
          <BarChart
            title="Tickets sold by type"
            bars={s.ticket_types.map((t) => ({ label: t.name, value: t.sold, text: `${t.sold}${t.supply != null ? ` / ${t.supply}` : ""}` }))}
          />
          <BarChart
            title="Revenue by type"
            bars={s.ticket_types.map((t) => ({ label: t.name, value: units(t.revenue, t.currency), text: formatAmount(t.revenue, t.currency) }))}
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
