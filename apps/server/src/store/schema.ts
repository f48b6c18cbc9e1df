import type { Generated } from 'kysely';
import type { Role, SampleSource, SessionEventType, SessionState } from '@chairside/core';

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
}

export interface Database {
  users: UsersTable;
  settings: SettingsTable;
  chairs: ChairsTable;
  sessions: SessionsTable;
  session_events: SessionEventsTable;
  samples: SamplesTable;
  audit_log: AuditLogTable;
}
