import type { AlertRecord } from '../../api/http';
import { formatClock } from '../../time/format';

export interface HistorySummary {
  total: number;
  sessions: number;
  /** Alarms per session, over the alarms that belong to a session; null when none do. */
  perSession: number | null;
  acknowledged: number;
  /** Median time to acknowledge in ms, over the acknowledged alarms; null when none. */
  medianTimeToAcknowledgeMs: number | null;
  /** Never acknowledged (some cleared by themselves; some are still waiting). */
  unacknowledged: number;
  /** Open right now with nobody having acknowledged them. */
  waiting: number;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** The charge nurse's figures for the alarms on screen. */
export function summarizeAlerts(alerts: readonly AlertRecord[]): HistorySummary {
  const sessionIds = new Set<string>();
  let inSessions = 0;
  const ackTimes: number[] = [];
  let unacknowledged = 0;
  let waiting = 0;
  for (const a of alerts) {
    if (a.sessionId !== null) {
      sessionIds.add(a.sessionId);
      inSessions++;
    }
    if (a.acknowledgedBy === null) unacknowledged++;
    if (a.timeToAcknowledgeMs !== null) ackTimes.push(a.timeToAcknowledgeMs);
    if (a.state === 'active') waiting++;
  }
  return {
    total: alerts.length,
    sessions: sessionIds.size,
    perSession: sessionIds.size === 0 ? null : inSessions / sessionIds.size,
    acknowledged: alerts.length - unacknowledged,
    medianTimeToAcknowledgeMs: median(ackTimes),
    unacknowledged,
    waiting,
  };
}

/** A time to acknowledge as a nurse says it: "8 s", "1 min 05 s". */
export function formatResponseTime(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** A date and local time for a record: "2026-11-21 09:30:05" (ISO day order, never ambiguous). */
export function formatDateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(ms)}`;
}
