import type { Alert } from '@chairside/core';
import type { TimeMarker, TrendKey } from '../chair-detail/TrendChart';
import { alarmMarker } from './ordering';

/**
 * Alarm markers for the chair detail's charts: each alert of the chart's parameters at its
 * raise, labelled with its IEC shape (!!!, !!, !, INOP), its message and who acknowledged it.
 * Technical alarms about the whole feed or overdue manual checks mark every chart.
 */
export function chairAlarmMarkers(
  alerts: readonly Alert[],
  chairId: string,
  keys: readonly TrendKey[],
): TimeMarker[] {
  const fields = new Set<string>(keys.map((k) => (k === 'moaas' || k === 'rass' ? 'sedation' : k)));
  return alerts
    .filter(
      (a) =>
        a.chairId === chairId &&
        (fields.has(a.parameter) || a.parameter === 'feed' || a.parameter === 'manual-check'),
    )
    .sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt))
    .map((a) => ({
      t: Date.parse(a.raisedAt),
      label: `${alarmMarker(a)} ${a.message}${a.acknowledgedBy === null ? '' : ` (ack ${a.acknowledgedBy})`}`,
      kind: 'alarm' as const,
    }));
}
