import { AldreteRecordSchema, aldreteRecordText, ALDRETE_DISCHARGE_MIN } from '@chairside/core';
import type { AuditEntry, KnownAuditAction } from '@chairside/core';

/** Names the audit trail needs from elsewhere: chairs by id, patients by session. */
export interface AuditLookups {
  chairLabel: (chairId: string) => string | undefined;
  patientRef: (sessionId: string) => string | undefined;
}

/** One entry in the clinic's words: what happened (one line) and the facts recorded with it. */
export interface DescribedEntry {
  what: string;
  facts: string[];
  /** The session the entry concerns, for a link to its report. */
  sessionId: string | null;
}

/** The action filter's choices, in the words the screen uses. */
export const ACTION_LABELS: Record<KnownAuditAction, string> = {
  'auth.login': 'Signed in',
  'auth.login-failed': 'Sign-in refused',
  'user.created': 'Account created',
  'chair.created': 'Chair added',
  'session.created': 'Session opened',
  'session.infusion-started': 'Infusion started',
  'session.infusion-paused': 'Infusion paused',
  'session.infusion-resumed': 'Infusion resumed',
  'session.infusion-stopped': 'Infusion stopped',
  'session.discharged': 'Patient discharged',
  'session.discharge-refused': 'Discharge refused',
  'alert.acknowledged': 'Alarm acknowledged',
  'alarm-rules.clinic.updated': 'Clinic alarm limits changed',
  'alarm-rules.session.updated': 'Session alarm limits changed',
};

const ROLE_WORDS: Record<string, string> = {
  nurse: 'nurse',
  charge: 'charge nurse',
  trainer: 'trainer',
  admin: 'administrator',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------- alarm limit changes: old and new, leaf by leaf ----------

const QUANTITIES: Record<string, string> = {
  spo2: 'SpO2',
  hr: 'HR',
  sbp: 'Systolic BP',
  dbp: 'Diastolic BP',
  rr: 'RR',
  etco2: 'EtCO2',
  moaas: 'MOAA/S',
  rass: 'RASS',
};
const WORDS: Record<string, string> = {
  ...QUANTITIES,
  hysteresis: 'hysteresis',
  noDelay: 'no-delay limit',
  inclusive: 'alarms at the limit value',
  sbpRiseOverBaseline: 'SBP rise over baseline',
  mediumPercent: 'medium priority %',
  highPercent: 'high priority %',
  conditionDelayMs: 'condition delay',
  feedSilent: 'feed silent',
  parameterSilent: 'reading missing',
  afterMs: 'after',
  priority: 'priority',
  vitalsDue: 'vitals due',
  reminderMs: 'reminder',
  overdueMs: 'overdue',
  countedSources: 'counted sources',
  escalateAfterMs: 'escalate after',
};

function pathWords(path: readonly string[]): string {
  const words: string[] = [];
  path.forEach((segment, i) => {
    if (segment === 'limits' && i === 0) return;
    const previous = path[i - 1];
    if ((segment === 'medium' || segment === 'high') && (previous === 'low' || previous === 'high'))
      words.push(`${segment} priority`);
    else words.push(WORDS[segment] ?? segment);
  });
  if (words.length === 0) return 'rules';
  // "SpO2 low" is one name; what follows it is a detail of it: "SpO2 low, medium priority".
  const last = path.at(-1) ?? '';
  const side = (last === 'low' || last === 'high') && (path.at(-2) ?? '') in QUANTITIES;
  const joined =
    side || words.length === 1
      ? words.join(' ')
      : `${words.slice(0, -1).join(' ')}, ${words.at(-1) ?? ''}`;
  return `${joined.charAt(0).toUpperCase()}${joined.slice(1)}`;
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

function valueText(value: unknown, key: string | undefined, missing: string): string {
  if (value === undefined) return missing;
  if (value === null) return 'off';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number')
    return key?.endsWith('Ms') === true ? formatMs(value) : String(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => valueText(v, undefined, missing)).join(', ');
  return JSON.stringify(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What changed between two rule sets (or overrides), one line per changed value:
 * "SpO2 low, medium priority: 94 → 93". `missing` names a value one side does not set (for a
 * session override: the clinic's).
 */
export function ruleChanges(before: unknown, after: unknown, missing = 'not set'): string[] {
  const lines: string[] = [];
  const walk = (a: unknown, b: unknown, path: string[]) => {
    if (sameValue(a, b)) return;
    const objectA = isRecord(a);
    const objectB = isRecord(b);
    // One side set on one side only (an override adds it): each value it sets is named.
    if ((objectA || a === undefined) && (objectB || b === undefined)) {
      const keys = new Set([
        ...(objectA ? Object.keys(a) : []),
        ...(objectB ? Object.keys(b) : []),
      ]);
      for (const key of keys)
        walk(objectA ? a[key] : undefined, objectB ? b[key] : undefined, [...path, key]);
      return;
    }
    const key = path.at(-1);
    // A limit turned on or off (null): the whole side in one line.
    const side = (v: unknown) =>
      isRecord(v)
        ? Object.entries(v)
            .filter(([, x]) => x !== null)
            .map(
              ([k, x]) =>
                `${
                  pathWords([...path, k])
                    .split(', ')
                    .at(-1) ?? k
                } ${valueText(x, k, missing)}`,
            )
            .join(', ')
        : valueText(v, key, missing);
    lines.push(`${pathWords(path)}: ${side(a)} → ${side(b)}`);
  };
  // No override at all (null) sets nothing.
  walk(before === null ? {} : before, after === null ? {} : after, []);
  return lines;
}

// ---------- one entry ----------

function chairPhrase(details: Record<string, unknown>, lookups: AuditLookups): string {
  const id = str(details['chairId']);
  if (id === undefined) return 'a chair';
  return lookups.chairLabel(id) ?? `chair ${id}`;
}

function patientOf(details: Record<string, unknown>, lookups: AuditLookups): string | undefined {
  const recorded = str(details['patientRef']);
  if (recorded !== undefined) return recorded;
  const sessionId = str(details['sessionId']);
  return sessionId === undefined ? undefined : lookups.patientRef(sessionId);
}

function aldreteFacts(value: unknown): { total: number | null; facts: string[] } {
  const parsed = AldreteRecordSchema.safeParse(value);
  if (!parsed.success) return { total: null, facts: [] };
  return { total: parsed.data.total, facts: [aldreteRecordText(parsed.data)] };
}

/** Every recorded field not already said, as "key: value" (for actions the screen does not know). */
function rawFacts(details: Record<string, unknown>): string[] {
  return Object.entries(details).map(([k, v]) => `${k}: ${valueText(v, k, '')}`);
}

export function describeEntry(entry: AuditEntry, lookups: AuditLookups): DescribedEntry {
  const d = entry.details;
  const sessionId = str(d['sessionId']) ?? null;
  const chair = chairPhrase(d, lookups);
  const patient = patientOf(d, lookups);
  const patientFact = patient === undefined ? [] : [`Patient ${patient}`];
  const result = (what: string, facts: string[] = []): DescribedEntry => ({
    what,
    facts,
    sessionId,
  });

  switch (entry.action as KnownAuditAction) {
    case 'auth.login': {
      const role = str(d['role']);
      return result(role === undefined ? 'Signed in' : `Signed in as ${ROLE_WORDS[role] ?? role}`);
    }
    case 'auth.login-failed':
      return result(
        d['knownUser'] === true
          ? 'Sign-in refused: wrong password'
          : 'Sign-in refused: no account with this username',
      );
    case 'user.created': {
      const role = str(d['role']);
      return result(
        `Created the account ${str(d['username']) ?? ''}${role === undefined ? '' : ` (${ROLE_WORDS[role] ?? role})`}`,
      );
    }
    case 'chair.created':
      return result(`Added ${str(d['label']) ?? chair}`);
    case 'session.created':
      return result(`Opened a session on ${chair}`, patientFact);
    case 'session.infusion-started':
      return result(`Started the infusion on ${chair}`, patientFact);
    case 'session.infusion-paused':
      return result(`Paused the infusion on ${chair}`, patientFact);
    case 'session.infusion-resumed':
      return result(`Resumed the infusion on ${chair}`, patientFact);
    case 'session.infusion-stopped':
      return result(`Stopped the infusion on ${chair}: recovery`, patientFact);
    case 'session.discharged': {
      const aldrete = aldreteFacts(d['aldrete']);
      return result(`Discharged the patient from ${chair}`, [...patientFact, ...aldrete.facts]);
    }
    case 'session.discharge-refused': {
      const aldrete = aldreteFacts(d['aldrete']);
      const score =
        aldrete.total === null ? '' : `: Aldrete ${aldrete.total} < ${ALDRETE_DISCHARGE_MIN}`;
      return result(`Discharge refused on ${chair}${score}`, [...patientFact, ...aldrete.facts]);
    }
    case 'alert.acknowledged': {
      const priority = str(d['priority']);
      const message = str(d['message']);
      return result(
        `Acknowledged ${priority === undefined ? 'an' : `a ${priority}-priority`} alarm on ${chair}${message === undefined ? '' : `: ${message}`}`,
        patientFact,
      );
    }
    case 'alarm-rules.clinic.updated': {
      const version = typeof d['version'] === 'number' ? [`Version ${d['version']}`] : [];
      const changes = ruleChanges(d['old'], d['new']);
      return result('Changed the clinic alarm limits', [
        ...(changes.length === 0 ? ['No value changed'] : changes),
        ...version,
      ]);
    }
    case 'alarm-rules.session.updated': {
      const after = d['new'];
      const back = isRecord(after) && Object.keys(after).length === 0;
      const changes = back ? ['Back to the clinic limits'] : ruleChanges(d['old'], after, 'clinic');
      return result(`Changed the alarm limits for the session on ${chair}`, [
        ...patientFact,
        ...changes,
      ]);
    }
    default:
      return result(entry.action, rawFacts(d));
  }
}
