import { PostgresAdapter, sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely, Migration, MigrationProvider } from 'kysely';

/**
 * Auto-numbered `seq` columns (arrival order, reconnect cursors) are the one place the two
 * stores differ: SQLite numbers an INTEGER PRIMARY KEY AUTOINCREMENT (samples: a plain rowid
 * since 006), PostgreSQL an identity column, 64-bit because a busy clinic chain passes 2^31
 * samples within months.
 */
function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
function seqType(db: Kysely<unknown>): 'bigint' | 'integer' {
  return isPostgres(db) ? 'bigint' : 'integer';
}
function seqColumn(db: Kysely<unknown>) {
  return (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    isPostgres(db) ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement();
}

/**
 * Versioned migrations, in code so they ship with the server. Never edit a released
 * migration: add the next one. Written with Kysely's schema builder so the same steps run on
 * SQLite and PostgreSQL; where the stores differ (the seq columns, 005's JSON, 006's rebuild)
 * the step says so.
 */
const migrations: Record<string, Migration> = {
  '001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('username', 'text', (c) => c.primaryKey())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('chairs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('chair_id', 'text', (c) => c.notNull().references('chairs.id'))
        .addColumn('patient_ref', 'text', (c) => c.notNull())
        .addColumn('weight_kg', 'double precision', (c) => c.notNull())
        .addColumn('dose_mg_per_kg', 'double precision', (c) => c.notNull())
        .addColumn('planned_minutes', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('baseline', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      // The database itself guarantees one open session per chair, even under a race.
      await db.schema
        .createIndex('sessions_one_open_per_chair')
        .on('sessions')
        .column('chair_id')
        .unique()
        .where(sql.ref('state'), '<>', 'discharged')
        .execute();

      await db.schema
        .createTable('session_events')
        .addColumn('seq', seqType(db), seqColumn(db))
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('session_events_by_session')
        .on('session_events')
        .columns(['session_id', 'seq'])
        .execute();

      // `seq` numbers arrivals (reconnect cursors); (chair_id, id) is the idempotency key that
      // ON CONFLICT DO NOTHING targets. SQLite allows AUTOINCREMENT only on the primary key,
      // so (chair_id, id) is a unique constraint rather than the primary key.
      await db.schema
        .createTable('samples')
        .addColumn('seq', seqType(db), seqColumn(db))
        .addColumn('chair_id', 'text', (c) => c.notNull().references('chairs.id'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('hr', 'double precision')
        .addColumn('sbp', 'double precision')
        .addColumn('dbp', 'double precision')
        .addColumn('spo2', 'double precision')
        .addColumn('rr', 'double precision')
        .addColumn('etco2', 'double precision')
        .addColumn('sedation_scale', 'text')
        .addColumn('sedation_score', 'integer')
        .addColumn('entered_by', 'text')
        .addColumn('session_id', 'text', (c) => c.references('sessions.id'))
        .addUniqueConstraint('samples_chair_sample_id', ['chair_id', 'id'])
        .execute();
      await db.schema
        .createIndex('samples_by_chair_time')
        .on('samples')
        .columns(['chair_id', 'at'])
        .execute();
      await db.schema
        .createIndex('samples_by_session')
        .on('samples')
        .columns(['session_id', 'at'])
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('seq', seqType(db), seqColumn(db))
        .addColumn('who', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_by_time').on('audit_log').column('at').execute();
    },
  },
  '002_alarms': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Every alert ever raised, as last known; never deleted. `limit_value` because LIMIT is a
      // keyword. `notified_at` is the server time the alert was first stored and broadcast: the
      // start of time-to-acknowledge (raised_at is sample time, which a buffered feed delays).
      await db.schema
        .createTable('alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('chair_id', 'text', (c) => c.notNull().references('chairs.id'))
        .addColumn('session_id', 'text', (c) => c.references('sessions.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('parameter', 'text', (c) => c.notNull())
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('rule', 'text')
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision')
        .addColumn('limit_value', 'double precision')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('raised_at', 'bigint', (c) => c.notNull())
        .addColumn('cleared_at', 'bigint')
        .addColumn('acknowledged_at', 'bigint')
        .addColumn('acknowledged_by', 'text')
        .addColumn('escalated_at', 'bigint')
        .addColumn('notified_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The history filters: per chair, per session, by state (open alerts at restart), by time.
      await db.schema
        .createIndex('alerts_by_chair_time')
        .on('alerts')
        .columns(['chair_id', 'raised_at'])
        .execute();
      await db.schema
        .createIndex('alerts_by_session_time')
        .on('alerts')
        .columns(['session_id', 'raised_at'])
        .execute();
      await db.schema
        .createIndex('alerts_by_state_time')
        .on('alerts')
        .columns(['state', 'raised_at'])
        .execute();
      await db.schema.createIndex('alerts_by_time').on('alerts').column('raised_at').execute();

      // Append-only: every raise, upgrade, end, acknowledgment, clear and escalation.
      await db.schema
        .createTable('alert_changes')
        .addColumn('seq', seqType(db), seqColumn(db))
        .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id'))
        .addColumn('chair_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('by', 'text')
        .execute();
      await db.schema
        .createIndex('alert_changes_by_alert')
        .on('alert_changes')
        .columns(['alert_id', 'seq'])
        .execute();

      // One row per rule scope; `version` counts the changes (the audit log keeps old and new).
      await db.schema
        .createTable('alarm_rules')
        .addColumn('scope', 'text', (c) => c.primaryKey())
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('session_alarm_rules')
        .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id'))
        .addColumn('override', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();

      // Audio pauses are kept, like alerts: `ended_at`/`ended_reason` when one ends early.
      // `ceiling` is the highest priority active when the pause began (null: none).
      await db.schema
        .createTable('audio_pauses')
        .addColumn('seq', seqType(db), seqColumn(db))
        .addColumn('chair_id', 'text', (c) => c.notNull().references('chairs.id'))
        .addColumn('by', 'text', (c) => c.notNull())
        .addColumn('from_at', 'bigint', (c) => c.notNull())
        .addColumn('until_at', 'bigint', (c) => c.notNull())
        .addColumn('ceiling', 'text')
        .addColumn('ended_at', 'bigint')
        .addColumn('ended_reason', 'text')
        .execute();
      await db.schema
        .createIndex('audio_pauses_by_chair')
        .on('audio_pauses')
        .columns(['chair_id', 'seq'])
        .execute();
    },
  },
  '003_simulator_runs': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Training runs and the events the trainer injected, kept for the debrief after a restart.
      await db.schema
        .createTable('simulator_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('chair_id', 'text', (c) => c.notNull().references('chairs.id'))
        .addColumn('scenario', 'text', (c) => c.notNull())
        .addColumn('scenario_title', 'text', (c) => c.notNull())
        .addColumn('speed', 'double precision', (c) => c.notNull())
        .addColumn('seed', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('started_by', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('ended_by', 'text')
        .addColumn('samples_sent', 'integer', (c) => c.notNull())
        .addColumn('samples_stored', 'integer', (c) => c.notNull())
        .addColumn('samples_refused', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('simulator_runs_by_chair')
        .on('simulator_runs')
        .columns(['chair_id', 'started_at'])
        .execute();
      await db.schema
        .createTable('simulator_run_events')
        .addColumn('seq', seqType(db), seqColumn(db))
        .addColumn('run_id', 'text', (c) => c.notNull().references('simulator_runs.id'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('simulator_run_events_by_run')
        .on('simulator_run_events')
        .columns(['run_id', 'seq'])
        .execute();
    },
  },
  '004_discharge_aldrete': {
    async up(db: Kysely<unknown>): Promise<void> {
      // The modified Aldrete score a discharge was decided on, as JSON, kept with that event.
      await db.schema.alterTable('session_events').addColumn('aldrete', 'text').execute();
    },
  },
  '005_audit_query': {
    async up(db: Kysely<unknown>): Promise<void> {
      // GET /audit filters by chair and session: copied out of the JSON detail into columns
      // (recordAudit fills them from now on), each filter with an index that also serves the
      // newest-first order, (at, seq).
      await db.schema.alterTable('audit_log').addColumn('chair_id', 'text').execute();
      await db.schema.alterTable('audit_log').addColumn('session_id', 'text').execute();
      await (
        isPostgres(db)
          ? sql`UPDATE audit_log SET chair_id = detail::jsonb ->> 'chairId', session_id = detail::jsonb ->> 'sessionId'`
          : sql`UPDATE audit_log SET chair_id = json_extract(detail, '$.chairId'), session_id = json_extract(detail, '$.sessionId')`
      ).execute(db);
      const byColumn: [name: string, column: string][] = [
        ['audit_log_by_who', 'who'],
        ['audit_log_by_action', 'action'],
        ['audit_log_by_chair', 'chair_id'],
        ['audit_log_by_session', 'session_id'],
      ];
      for (const [name, column] of byColumn) {
        await db.schema.createIndex(name).on('audit_log').columns([column, 'at', 'seq']).execute();
      }
      // The unfiltered page, newest first by (at, seq), straight off one index.
      await db.schema.dropIndex('audit_log_by_time').execute();
      await db.schema
        .createIndex('audit_log_by_time')
        .on('audit_log')
        .columns(['at', 'seq'])
        .execute();
    },
  },
  '006_sample_commit_pages': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Every stored reading's commit appends each page it changed to SQLite's WAL: the table's
      // leaf, one leaf per index and, with AUTOINCREMENT, the sqlite_sequence row. That was 5
      // pages (10 writes) per reading, the bulk of what storing one costs at 1 Hz per chair.
      // - samples_by_session goes: its one reader, the baseline at infusion start, reads by
      //   chair and time instead (sessions.ts).
      // - SQLite: `seq` stays the rowid but without AUTOINCREMENT. Samples are never deleted,
      //   so max(seq) + 1 still numbers every new sample above all earlier ones (what the
      //   reconnect cursors need); AUTOINCREMENT only adds not reusing the numbers of deleted
      //   newest rows. PostgreSQL's identity column has no such page.
      // Measured alone (one lookup and one insert per transaction, WAL, synchronous NORMAL):
      // 106 -> 73 us per transaction; the two changes save about equally.
      if (isPostgres(db)) {
        await db.schema.dropIndex('samples_by_session').ifExists().execute();
        return;
      }
      // Kysely runs SQLite migrations outside a transaction: the rebuild is one of its own, and
      // repeating it after a crash before the migration was recorded finds it done. The table
      // is written out as 001 made it, not shared with 001 or with the sample writer's columns:
      // a migration keeps its own copy, so later code cannot change what it did.
      await db.transaction().execute(async (trx) => {
        const table = await sql<{
          sql: string;
        }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'samples'`.execute(trx);
        if (/AUTOINCREMENT/i.test(table.rows[0]?.sql ?? '')) {
          await trx.schema
            .createTable('samples_rebuilt')
            .addColumn('seq', 'integer', (c) => c.primaryKey())
            .addColumn('chair_id', 'text', (c) => c.notNull().references('chairs.id'))
            .addColumn('id', 'text', (c) => c.notNull())
            .addColumn('at', 'bigint', (c) => c.notNull())
            .addColumn('received_at', 'bigint', (c) => c.notNull())
            .addColumn('source', 'text', (c) => c.notNull())
            .addColumn('hr', 'double precision')
            .addColumn('sbp', 'double precision')
            .addColumn('dbp', 'double precision')
            .addColumn('spo2', 'double precision')
            .addColumn('rr', 'double precision')
            .addColumn('etco2', 'double precision')
            .addColumn('sedation_scale', 'text')
            .addColumn('sedation_score', 'integer')
            .addColumn('entered_by', 'text')
            .addColumn('session_id', 'text', (c) => c.references('sessions.id'))
            .addUniqueConstraint('samples_chair_sample_id', ['chair_id', 'id'])
            .execute();
          const columns = sql.raw(SAMPLE_COLUMNS.join(', '));
          await sql`INSERT INTO samples_rebuilt (${columns}) SELECT ${columns} FROM samples ORDER BY seq`.execute(
            trx,
          );
          await trx.schema.dropTable('samples').execute();
          await trx.schema.alterTable('samples_rebuilt').renameTo('samples').execute();
          await trx.schema
            .createIndex('samples_by_chair_time')
            .on('samples')
            .columns(['chair_id', 'at'])
            .execute();
        }
        await trx.schema.dropIndex('samples_by_session').ifExists().execute();
      });
    },
  },
};

/** The columns of `samples` as of 006, in their order (006 copies them; its own list). */
const SAMPLE_COLUMNS = [
  'seq',
  'chair_id',
  'id',
  'at',
  'received_at',
  'source',
  'hr',
  'sbp',
  'dbp',
  'spo2',
  'rr',
  'etco2',
  'sedation_scale',
  'sedation_score',
  'entered_by',
  'session_id',
] as const;

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
