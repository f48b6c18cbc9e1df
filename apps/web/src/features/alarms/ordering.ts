import { priorityRank } from '@chairside/core';
import type { Alert, AlertPriority } from '@chairside/core';

/** Still on screen: not cleared (active, or acknowledged while its condition holds). */
export function isOpen(alert: Alert): boolean {
  return alert.state !== 'cleared';
}

/** Nobody has acknowledged it yet: it flashes and it sounds. */
export function needsAcknowledgment(alert: Alert): boolean {
  return alert.state === 'active';
}

/**
 * The banner's order: highest priority first; within a priority, the unacknowledged ones, then
 * the one waiting longest (oldest raise) first, so a nurse works down the list.
 */
export function compareAlarms(a: Alert, b: Alert): number {
  return (
    priorityRank(a.priority) - priorityRank(b.priority) ||
    Number(b.state === 'active') - Number(a.state === 'active') ||
    Date.parse(a.raisedAt) - Date.parse(b.raisedAt) ||
    a.id.localeCompare(b.id)
  );
}

export function openAlarmsInOrder(alerts: Iterable<Alert>): Alert[] {
  return [...alerts].filter(isOpen).sort(compareAlarms);
}

/** Each chair's open alarms in banner order (the first is what its tile shows). */
export function openAlarmsByChair(alerts: Iterable<Alert>): Map<string, Alert[]> {
  const byChair = new Map<string, Alert[]>();
  for (const alert of openAlarmsInOrder(alerts)) {
    const list = byChair.get(alert.chairId);
    if (list === undefined) byChair.set(alert.chairId, [alert]);
    else list.push(alert);
  }
  return byChair;
}

/** How badly a chair needs someone: 0 = unacknowledged high ... 6 = nothing open. */
function urgency(worst: Alert | undefined): number {
  if (worst === undefined) return 6;
  return priorityRank(worst.priority) * 2 + (worst.state === 'active' ? 0 : 1);
}

/**
 * "Attention first": chairs with the most urgent open alarm first; equal chairs keep the
 * clinic's order, so the grid only moves where it must.
 */
export function attentionOrder(
  chairIds: readonly string[],
  byChair: ReadonlyMap<string, readonly Alert[]>,
): string[] {
  return chairIds
    .map((id, index) => ({ id, index, rank: urgency(byChair.get(id)?.[0]) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((c) => c.id);
}

/** The marker a nurse reads without colour: shape and text per IEC priority. */
export function alarmMarker(alert: Pick<Alert, 'kind' | 'priority'>): string {
  if (alert.kind === 'technical') return 'INOP';
  return PRIORITY_MARKS[alert.priority];
}

const PRIORITY_MARKS: Record<AlertPriority, string> = { high: '!!!', medium: '!!', low: '!' };

export const PRIORITY_WORDS: Record<AlertPriority, string> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

/** "High alarm", "Technical alarm (medium)": what a screen reader says before the message. */
export function alarmKindWords(alert: Pick<Alert, 'kind' | 'priority'>): string {
  return alert.kind === 'technical'
    ? `Technical alarm, ${alert.priority} priority`
    : `${PRIORITY_WORDS[alert.priority]} priority alarm`;
}
