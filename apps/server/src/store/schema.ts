import type { ColumnType, Generated } from 'kysely';
import type {
  AlertChangeType,
  AlertKind,
  AlertParameter,
  AlertPriority,
  AlertState,
  Role,
  SampleSource,
  SessionEventType,
  SessionState,
} from '@chairside/core';

// Times are epoch milliseconds in integer (bigint) columns: sortable, compact and the same
// in SQLite and PostgreSQL. Each table's columns mirror the contract's field names.

export interface UsersTable {
  username: string;
  role: Role;
  password_hash: string;
  created_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface ChairsTable {
  id: string;
  label: string;
  created_at: number;
}

export interface SessionsTable {
  id: string;
  chair_id: string;
  patient_ref: string;
  weight_kg: number;
  dose_mg_per_kg: number;
  planned_minutes: number;
  state: SessionState;
  /** JSON of core `Baseline`, set when the infusion starts. */
  baseline: string | null;
  created_at: number;
  created_by: string;
}

export interface SessionEventsTable {
  seq: Generated<number>;
  session_id: string;
  type: SessionEventType;
  at: number;
  by: string;
  /** JSON of the discharge's modified Aldrete score (migration 004); null on other events. */
  aldrete: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SamplesTable {
  /** Arrival order, for reconnect cursors. */
  seq: Generated<number>;
  chair_id: string;
  id: string;
  at: number;
  received_at: number;
  source: SampleSource;
  hr: number | null;
  sbp: number | null;
  dbp: number | null;
  spo2: number | null;
  rr: number | null;
  etco2: number | null;
  sedation_scale: 'MOAA/S' | 'RASS' | null;
  sedation_score: number | null;
  entered_by: string | null;
  session_id: string | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  who: string;
  at: number;
  action: string;
  /** JSON object with what the action concerned. */
  detail: string;
  /** `detail.chairId` / `detail.sessionId` when it has them, for the filters (migration 005). */
  chair_id: ColumnType<string | null, string | null | undefined, never>;
  session_id: ColumnType<string | null, string | null | undefined, never>;
}

export interface AlertsTable {
  id: string;
  chair_id: string;
  session_id: string | null;
  kind: AlertKind;
  parameter: AlertParameter;
  priority: AlertPriority;
  rule: string | null;
  message: string;
  value: number | null;
  limit_value: number | null;
  state: AlertState;
  raised_at: number;
  cleared_at: number | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  escalated_at: number | null;
  /** Server time the alert was first stored and broadcast. */
  notified_at: number;
  updated_at: number;
}

export interface AlertChangesTable {
  seq: Generated<number>;
  alert_id: string;
  chair_id: string;
  type: AlertChangeType;
  priority: AlertPriority;
  state: AlertState;
  message: string;
  /** Server time of the change. */
  at: number;
  /** Who did it (acknowledgments); null for the alarm engine itself. */
  by: string | null;
}

export interface AlarmRulesTable {
  /** `clinic` (the one clinic-wide set). */
  scope: string;
  /** JSON of core `AlarmRuleSet`. */
  rules: string;
  version: number;
  updated_at: number;
  updated_by: string;
}

export interface SessionAlarmRulesTable {
  session_id: string;
  /** JSON of core `AlarmRuleOverride`. */
  override: string;
  version: number;
  updated_at: number;
  updated_by: string;
}

export interface AudioPausesTable {
  seq: Generated<number>;
  chair_id: string;
  by: string;
  from_at: number;
  until_at: number;
  ceiling: AlertPriority | null;
  ended_at: number | null;
  ended_reason: string | null;
}

export interface Database {
  users: UsersTable;
  settings: SettingsTable;
  chairs: ChairsTable;
  sessions: SessionsTable;
  session_events: SessionEventsTable;
  samples: SamplesTable;
  audit_log: AuditLogTable;
  alerts: AlertsTable;
  alert_changes: AlertChangesTable;
  alarm_rules: AlarmRulesTable;
  session_alarm_rules: SessionAlarmRulesTable;
  audio_pauses: AudioPausesTable;
}
