import type { AxisDomainItem } from 'recharts';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { memo, useMemo } from 'react';
import { formatClock } from '../../time/format';
import { chartRows } from './trendRows';

export interface TrendRow {
  t: number;
  hr?: number;
  sbp?: number;
  dbp?: number;
  spo2?: number;
  rr?: number;
  etco2?: number;
  moaas?: number;
  rass?: number;
}

export type TrendKey = Exclude<keyof TrendRow, 't'>;

export interface TrendSeries {
  key: TrendKey;
  name: string;
  color: string;
  /** A dash pattern so two lines differ by shape, not colour alone. */
  dash?: string;
  axis?: 'left' | 'right';
}

/** A zone beyond an alarm limit, shaded so a reading inside it stands out. */
export interface LimitBand {
  /** Value where the zone starts; it runs to the edge of the chart on its side. */
  from: number;
  side: 'below' | 'above';
  label: string;
}

/** A horizontal reference, e.g. the pre-infusion baseline. */
export interface ValueLine {
  y: number;
  label: string;
  color: string;
  axis?: 'left' | 'right';
}

/** A moment on the time axis: an infusion phase change, or an alarm (filled by the alarm views). */
export interface TimeMarker {
  t: number;
  label: string;
  kind: 'phase' | 'alarm';
}

const AXIS = '#9aa7b4';
const BAND_FILL = '#a3161a';
const PHASE_COLOR = '#b8c4d0';
const ALARM_COLOR = '#ff6b5e';
const GRID = '#2a3542';

type Domain = Readonly<[AxisDomainItem, AxisDomainItem]>;

/**
 * A value axis that always shows at least the clinically usual range [low, high] and widens in
 * steps when the data goes beyond it: noise stays small, a real excursion stays visible.
 */
export function clinicalDomain(low: number, high: number, step: number): Domain {
  return [
    (dataMin: number) => Math.min(low, Math.floor(dataMin / step) * step),
    (dataMax: number) => Math.max(high, Math.ceil(dataMax / step) * step),
  ];
}

const TEN_MINUTES = 10 * 60_000;

/** Tick spacing for a window: a few ticks whatever the range, on whole clock minutes. */
export function tickStep([start, end]: [number, number]): number {
  const span = end - start;
  if (span <= 20 * 60_000) return 5 * 60_000;
  if (span <= 90 * 60_000) return TEN_MINUTES;
  if (span <= 5 * 3600_000) return 30 * 60_000;
  return 60 * 60_000;
}

/** Time ticks on whole ten minutes (09:10, 09:20, ...), so the axis reads like a clock. */
export function timeTicks([start, end]: [number, number], stepMs = TEN_MINUTES): number[] {
  const ticks: number[] = [];
  for (let t = Math.ceil(start / stepMs) * stepMs; t <= end; t += stepMs) ticks.push(t);
  return ticks;
}

/** Below this many readings a series is drawn with dots: a manual BP every 5 min is a point, not a line. */
const SPARSE_SERIES = 120;

/** One trend chart; memoised: it redraws when its data, window or markers change, not per tick. */
export const TrendChart = memo(function TrendChart({
  title,
  rows,
  series,
  unit,
  rightUnit,
  domain = ['auto', 'auto'],
  rightDomain = ['auto', 'auto'],
  ticks,
  timeDomain,
  loading = false,
  emptyText,
  bands = [],
  valueLines = [],
  markers = [],
}: {
  title: string;
  rows: readonly TrendRow[];
  series: readonly TrendSeries[];
  unit: string;
  rightUnit?: string;
  domain?: Domain;
  rightDomain?: Domain;
  /** Value-axis ticks, when the default spacing reads badly (sedation scores). */
  ticks?: number[];
  timeDomain: [number, number];
  /** History still on its way: an empty chart must not claim there are no readings. */
  loading?: boolean;
  /** What an empty chart says, naming the range shown. */
  emptyText?: string;
  bands?: readonly LimitBand[];
  valueLines?: readonly ValueLine[];
  markers?: readonly TimeMarker[];
}) {
  // Recomputed only when the data or the series change, not on every clock tick.
  const data = useMemo(
    () =>
      chartRows(
        rows,
        series.map((s) => s.key),
      ),
    [rows, series],
  );
  const counts = useMemo(
    () => new Map(series.map((s) => [s.key, rows.filter((r) => r[s.key] !== undefined).length])),
    [rows, series],
  );
  const hasData = [...counts.values()].some((n) => n > 0);
  return (
    <section className="trend" aria-label={`${title} trend`}>
      <h2 className="trend-title">
        {title}{' '}
        <span className="trend-unit">
          ({rightUnit === undefined ? unit : `${unit} / ${rightUnit}`})
        </span>
      </h2>
      {hasData ? (
        <div className="trend-plot">
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
              <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={timeDomain}
                ticks={timeTicks(timeDomain, tickStep(timeDomain))}
                tickFormatter={(t: number) => formatClock(t).slice(0, 5)}
                stroke={AXIS}
                tick={{ fill: AXIS, fontSize: 14 }}
              />
              <YAxis
                yAxisId="left"
                domain={domain}
                {...(ticks === undefined ? {} : { ticks })}
                allowDecimals={false}
                allowDataOverflow={false}
                stroke={AXIS}
                tick={{ fill: AXIS, fontSize: 14 }}
                width={56}
                label={{
                  value: unit,
                  angle: -90,
                  position: 'insideLeft',
                  fill: AXIS,
                  fontSize: 13,
                }}
              />
              {rightUnit !== undefined && (
                <YAxis
                  yAxisId="right"
                  orientation="right"
                  domain={rightDomain}
                  allowDecimals={false}
                  stroke={AXIS}
                  tick={{ fill: AXIS, fontSize: 14 }}
                  width={56}
                  label={{
                    value: rightUnit,
                    angle: 90,
                    position: 'insideRight',
                    fill: AXIS,
                    fontSize: 13,
                  }}
                />
              )}
              <Tooltip
                labelFormatter={(t: unknown) => (typeof t === 'number' ? formatClock(t) : '')}
                contentStyle={{
                  background: '#18202a',
                  border: `1px solid ${GRID}`,
                  color: '#d6dde6',
                }}
              />
              <Legend wrapperStyle={{ color: '#d6dde6' }} />
              {bands.map((b) => (
                <ReferenceArea
                  key={`${b.side}-${b.from}`}
                  yAxisId="left"
                  // Far past any axis, clipped to the plot: the band runs to the chart's edge.
                  y1={b.side === 'below' ? -10_000 : b.from}
                  y2={b.side === 'below' ? b.from : 10_000}
                  fill={BAND_FILL}
                  fillOpacity={0.18}
                  stroke="none"
                  ifOverflow="hidden"
                />
              ))}
              {bands.map((b) => (
                // The limit itself, named, so the band reads without its colour.
                <ReferenceLine
                  key={`line-${b.side}-${b.from}`}
                  yAxisId="left"
                  y={b.from}
                  stroke="#c0504a"
                  strokeDasharray="6 3"
                  label={{
                    value: b.label,
                    position: b.side === 'below' ? 'insideBottomRight' : 'insideTopRight',
                    fill: '#ffb3aa',
                    fontSize: 12,
                  }}
                />
              ))}
              {valueLines.map((l) => (
                <ReferenceLine
                  key={l.label}
                  yAxisId={l.axis ?? 'left'}
                  y={l.y}
                  stroke={l.color}
                  strokeDasharray="2 4"
                  ifOverflow="extendDomain"
                  label={{ value: l.label, position: 'insideLeft', fill: l.color, fontSize: 12 }}
                />
              ))}
              {markers.map((m) => (
                <ReferenceLine
                  key={`${m.kind}-${m.t}-${m.label}`}
                  yAxisId="left"
                  x={m.t}
                  stroke={m.kind === 'alarm' ? ALARM_COLOR : PHASE_COLOR}
                  strokeDasharray={m.kind === 'alarm' ? '4 2' : undefined}
                  strokeWidth={m.kind === 'alarm' ? 1 : 2}
                  label={{
                    value: m.label,
                    position: 'insideTopLeft',
                    fill: m.kind === 'alarm' ? ALARM_COLOR : PHASE_COLOR,
                    fontSize: 12,
                  }}
                />
              ))}
              {series.map((s) => (
                <Line
                  key={s.key}
                  yAxisId={s.axis ?? 'left'}
                  type="linear"
                  dataKey={s.key}
                  name={s.name}
                  stroke={s.color}
                  strokeWidth={2}
                  strokeDasharray={s.dash}
                  dot={
                    (counts.get(s.key) ?? 0) < SPARSE_SERIES
                      ? { r: 3, fill: s.color, strokeWidth: 0 }
                      : false
                  }
                  connectNulls
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      ) : (
        <p className="trend-empty">
          {loading ? 'Loading…' : (emptyText ?? `No ${title} readings in the last 60 minutes.`)}
        </p>
      )}
    </section>
  );
});
