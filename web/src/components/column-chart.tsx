/** A small column chart over time in SVG; each column's figures are its title (and listed for screen readers). */
export function ColumnChart(props: { title: string; columns: { label: string; value: number; text: string }[] }) {
  const max = Math.max(1, ...props.columns.map((c) => c.value));
  const width = 480;
  const height = 160;
  const bottom = 20;
  const step = props.columns.length ? width / props.columns.length : width;
  const labelEvery = Math.max(1, Math.ceil(props.columns.length / 8));
  return (
    <figure className="card">
      <figcaption>
        <strong>{props.title}</strong>
      </figcaption>
      {props.columns.length === 0 ? (
        <p className="muted">No sales yet.</p>
      ) : (
        <>
          <svg className="chart" role="img" aria-label={props.title} viewBox={`0 0 ${width} ${height}`} width="100%">
            {props.columns.map((c, i) => {
              const h = ((height - bottom - 8) * c.value) / max;
              // A few days' columns stay columns, not slabs.
              const w = Math.max(Math.min(step * 0.7, 36), 1);
              return (
                <g key={`${c.label}-${i}`}>
                  <rect x={i * step + (step - w) / 2} y={height - bottom - h} width={w} height={Math.max(h, 1)} rx={2} fill="var(--accent)">
                    <title>{c.text}</title>
                  </rect>
                  {i % labelEvery === 0 && (
                    <text x={i * step + step / 2} y={height - 5} textAnchor="middle">
                      {c.label}
                    </text>
                  )}
                </g>
              );
            })}
          </svg>
          <ul className="sr-only">
            {props.columns.map((c, i) => (
              <li key={`${c.label}-${i}`}>{c.text}</li>
            ))}
          </ul>
        </>
      )}
    </figure>
  );
}
