/** A small horizontal bar chart in SVG, with the figures as text so that it reads without the bars too. */
export function BarChart(props: { title: string; bars: { label: string; value: number; text?: string }[] }) {
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  const rowHeight = 26;
  const labelWidth = 140;
  const width = 480;
  const height = Math.max(1, props.bars.length) * rowHeight + 8;
  return (
    <figure className="card">
      <figcaption>
        <strong>{props.title}</strong>
      </figcaption>
      <svg className="chart" role="img" aria-label={props.title} viewBox={`0 0 ${width} ${height}`} width="100%">
        {props.bars.map((b, i) => {
          const y = i * rowHeight + 4;
          const w = ((width - labelWidth - 70) * b.value) / max;
          return (
            <g key={`${b.label}-${i}`}>
              <text x={0} y={y + 16}>
                {b.label.length > 20 ? `${b.label.slice(0, 19)}…` : b.label}
              </text>
              <rect x={labelWidth} y={y + 3} width={Math.max(w, 1)} height={rowHeight - 8} rx={3} fill="var(--accent)" />
              <text x={labelWidth + w + 6} y={y + 16}>
                {b.text ?? String(b.value)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
