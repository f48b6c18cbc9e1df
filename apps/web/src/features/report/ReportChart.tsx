import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { formatClock } from '../../time/format';
import { reportTicks } from './reportData';
import type { ReportRow } from './reportData';

export interface ReportMarker {
  t: number;
  label: string;
  kind: 'event' | 'alarm';
}

// Mid-tone colours that read on the dark screen and on white paper; each line also has its own
// dash pattern so a black-and-white print still tells them apart.
const SERIES = [
  { key: 'hr', name: 'HR bpm', color: '#d9467a', dash: undefined, axis: 'left' },
  { key: 'sbp', name: 'SBP mmHg', color: '#d9822b', dash: '8 3', axis: 'left' },
  { key: 'dbp', name: 'DBP mmHg', color: '#b8860b', dash: '3 3', axis: 'left' },
  { key: 'spo2', name: 'SpO2 %', color: '#2e9e6a', dash: '12 4 2 4', axis: 'right' },
  { key: 'rr', name: 'RR /min', color: '#3f86c6', dash: '2 2', axis: 'right' },
] as const;

const SPARSE = 120;
const WIDTH = 1000;
const HEIGHT = 360;

/**
 * The whole session on one chart, drawn at a fixed size and scaled by CSS (the SVG has a
 * viewBox), so it prints at the paper's width instead of the screen's.
 */
export default function ReportChart({
  rows,
  span,
  markers,
}: {
  rows: readonly ReportRow[];
  span: [number, number];
  markers: readonly ReportMarker[];
}) {
  return (
    <div className="report-chart" data-testid="report-chart">
      <ul className="report-legend" aria-label="Lines">
        {SERIES.map((s) => (
          <li key={s.key}>
            <svg width="36" height="10" aria-hidden="true">
              <line
                x1="0"
                y1="5"
                x2="36"
                y2="5"
                stroke={s.color}
                strokeWidth="3"
                strokeDasharray={s.dash}
              />
            </svg>
            {s.name} ({s.axis === 'left' ? 'left' : 'right'} axis)
          </li>
        ))}
        <li>
          <span className="legend-alarm" aria-hidden="true">
            ┆
          </span>
          high alarm (!!!), event lines grey
        </li>
      </ul>
      <LineChart width={WIDTH} height={HEIGHT} data={[...rows]} margin={{ top: 24, right: 16 }}>
        <CartesianGrid stroke="#8a96a3" strokeOpacity={0.35} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={span}
          ticks={reportTicks(span)}
          tickFormatter={(t: number) => formatClock(t).slice(0, 5)}
          stroke="#7d8a97"
        />
        <YAxis yAxisId="left" domain={[30, 'auto']} stroke="#7d8a97" width={44} />
        <YAxis yAxisId="right" orientation="right" domain={[0, 100]} stroke="#7d8a97" width={40} />
        <Tooltip labelFormatter={(t) => (typeof t === 'number' ? formatClock(t) : '')} />
        {markers.map((m) => (
          <ReferenceLine
            key={`${m.kind}-${m.t}-${m.label}`}
            yAxisId="left"
            x={m.t}
            stroke={m.kind === 'alarm' ? '#d23b30' : '#7d8a97'}
            strokeDasharray={m.kind === 'alarm' ? '4 2' : undefined}
            label={{ value: m.label, position: 'top', fill: '#7d8a97', fontSize: 11 }}
          />
        ))}
        {SERIES.map((s) => (
          <Line
            key={s.key}
            yAxisId={s.axis}
            dataKey={s.key}
            name={s.name}
            stroke={s.color}
            strokeDasharray={s.dash}
            strokeWidth={2}
            // A sparse series (manual readings every few minutes) is a set of points, not a line.
            dot={rows.filter((r) => r[s.key] !== undefined).length < SPARSE ? { r: 3 } : false}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </div>
  );
}
