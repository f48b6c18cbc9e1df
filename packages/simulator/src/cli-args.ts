import { findScenario, SCENARIOS } from './scenarios';
import type { Scenario, TimelineEntry } from './scenarios';

/**
 * The simulator device's command line, parsed without side effects so it can be tested: what
 * to run against which Chairside, and the scenario tailored to the patient on the command line.
 */

export const USAGE = `Usage: pnpm sim -- --url <chairside url> (--token <token> | --user <name> --password <pw>)
                 --chair <chair id or label> --scenario <id> [options]
       pnpm sim -- --list

Sends a training scenario to a chair as a bedside monitor would: through the socket ingest,
buffering and resending across network or server outages.

  --url URL               Chairside base URL, e.g. http://127.0.0.1:3000
  --token T               a bearer token (or log in with --user and --password)
  --user NAME             a trainer (or admin) account
  --password PW
  --chair CHAIR           the chair's id or its label, e.g. "Chair 1"
  --scenario ID           the scenario to play (--list shows them)
  --speed N               model seconds per real second (default 1); readings still
                          arrive once a second with real timestamps
  --seed N                the simulated patient (default 1): the same seed is the same person
  --duration-minutes N    stop after N model minutes (default: the whole scenario)
  --weight KG             patient weight
  --dose MG_PER_KG        infusion dose
  --minutes N             planned infusion minutes; the stop and the recovery events move with it
  --list                  list the scenarios and exit
  --help                  this text`;

export type Credentials =
  { readonly token: string } | { readonly username: string; readonly password: string };

export interface DeviceRunOptions {
  /** Base URL without a trailing slash. */
  readonly url: string;
  readonly credentials: Credentials;
  readonly chair: string;
  /** The scenario as tailored by --weight, --dose, --minutes and --duration-minutes. */
  readonly scenario: Scenario;
  readonly speed: number;
  readonly seed: number;
}

export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'list' }
  | { readonly kind: 'run'; readonly options: DeviceRunOptions }
  | { readonly kind: 'error'; readonly message: string };

export interface ScenarioTailoring {
  readonly weightKg?: number;
  readonly doseMgPerKg?: number;
  readonly plannedMinutes?: number;
  readonly durationMinutes?: number;
}

const VALUE_FLAGS = [
  'url',
  'token',
  'user',
  'password',
  'chair',
  'scenario',
  'speed',
  'seed',
  'duration-minutes',
  'weight',
  'dose',
  'minutes',
] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];
const SWITCHES = ['list', 'help'] as const;
type Switch = (typeof SWITCHES)[number];

function isValueFlag(name: string): name is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(name);
}
function isSwitch(name: string): name is Switch {
  return (SWITCHES as readonly string[]).includes(name);
}

/** Plausible ranges, so a typo (--weight 800) is caught before a run rather than during it. */
const NUMBER_RULES = {
  speed: { min: 0.1, max: 1000, integer: false, what: 'model seconds per real second' },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true, what: 'a whole number' },
  'duration-minutes': { min: 0.1, max: 24 * 60, integer: false, what: 'model minutes' },
  weight: { min: 30, max: 250, integer: false, what: 'kg' },
  dose: { min: 0.05, max: 2, integer: false, what: 'mg/kg' },
  minutes: { min: 1, max: 240, integer: false, what: 'minutes' },
} as const;
type NumberFlag = keyof typeof NUMBER_RULES;

class UsageError extends Error {}

function parseNumber(flag: NumberFlag, raw: string): number {
  const rule = NUMBER_RULES[flag];
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (rule.integer && !Number.isInteger(value))) {
    throw new UsageError(`--${flag} must be a number (${rule.what}), got "${raw}"`);
  }
  if (value < rule.min || value > rule.max) {
    throw new UsageError(
      `--${flag} must be from ${rule.min} to ${rule.max} (${rule.what}), got ${raw}`,
    );
  }
  return value;
}

function parseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `--url "${raw}" is not a URL; expected something like http://127.0.0.1:3000`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be http:// or https://, got "${raw}"`);
  }
  return url.href.replace(/\/+$/, '');
}

export function scenarioList(): string {
  const width = Math.max(...SCENARIOS.map((s) => s.id.length));
  return SCENARIOS.map((s) => `${s.id.padEnd(width)}  ${s.title}`).join('\n');
}

/**
 * Applies the patient and infusion from the command line to a scenario. A different infusion
 * length moves the pump stop, and every event from the stop on (recovery events, the end of
 * the run) moves with it, keeping their distance from the stop.
 */
export function tailorScenario(scenario: Scenario, tailoring: ScenarioTailoring): Scenario {
  let timeline: readonly TimelineEntry[] = scenario.timeline;
  let durationMinutes = scenario.durationMinutes;
  const { plannedMinutes } = tailoring;
  if (plannedMinutes !== undefined) {
    const start = scenario.timeline.find((e) => e.event.type === 'infusion-started');
    const stop = scenario.timeline.find((e) => e.event.type === 'infusion-stopped');
    if (start !== undefined && stop !== undefined) {
      const shift = start.atMinute + plannedMinutes - stop.atMinute;
      timeline = scenario.timeline.map((e) =>
        e.atMinute >= stop.atMinute ? { ...e, atMinute: e.atMinute + shift } : e,
      );
      durationMinutes += shift;
    }
  }
  if (tailoring.durationMinutes !== undefined) durationMinutes = tailoring.durationMinutes;
  return {
    ...scenario,
    ...(tailoring.weightKg === undefined
      ? {}
      : { patient: { ...scenario.patient, weightKg: tailoring.weightKg } }),
    infusion: {
      doseMgPerKg: tailoring.doseMgPerKg ?? scenario.infusion.doseMgPerKg,
      plannedMinutes: plannedMinutes ?? scenario.infusion.plannedMinutes,
    },
    durationMinutes,
    timeline,
  };
}

/** argv without node and the script; a bare `--` (pnpm passes it through) is ignored. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  try {
    return parse(argv);
  } catch (error) {
    if (error instanceof UsageError) return { kind: 'error', message: error.message };
    throw error;
  }
}

function parse(argv: readonly string[]): CliCommand {
  const values = new Map<ValueFlag, string>();
  const switches = new Set<Switch>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') continue;
    if (!arg.startsWith('--'))
      throw new UsageError(`unexpected argument "${arg}" (options start with --)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (isSwitch(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      switches.add(name);
      continue;
    }
    if (!isValueFlag(name)) throw new UsageError(`unknown option --${name}`);
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '' || (eq === -1 && value.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value`);
    }
    if (values.has(name)) throw new UsageError(`--${name} is given twice`);
    values.set(name, value);
  }

  if (switches.has('help')) return { kind: 'help' };
  if (switches.has('list')) return { kind: 'list' };

  const required = (flag: ValueFlag): string => {
    const value = values.get(flag);
    if (value === undefined) throw new UsageError(`--${flag} is required (see --help)`);
    return value;
  };
  const number = (flag: NumberFlag): number | undefined => {
    const raw = values.get(flag);
    return raw === undefined ? undefined : parseNumber(flag, raw);
  };

  const url = parseUrl(required('url'));
  const token = values.get('token');
  const username = values.get('user');
  const password = values.get('password');
  let credentials: Credentials;
  if (token !== undefined) {
    if (username !== undefined || password !== undefined)
      throw new UsageError('give either --token or --user/--password, not both');
    credentials = { token };
  } else if (username !== undefined && password !== undefined) {
    credentials = { username, password };
  } else {
    throw new UsageError('log in with --token, or with --user and --password');
  }

  const scenarioId = required('scenario');
  const scenario = findScenario(scenarioId);
  if (scenario === undefined) {
    throw new UsageError(
      `unknown scenario "${scenarioId}"; the scenarios are: ${SCENARIOS.map((s) => s.id).join(', ')}`,
    );
  }
  const tailoring: ScenarioTailoring = {
    ...optional('weightKg', number('weight')),
    ...optional('doseMgPerKg', number('dose')),
    ...optional('plannedMinutes', number('minutes')),
    ...optional('durationMinutes', number('duration-minutes')),
  };
  return {
    kind: 'run',
    options: {
      url,
      credentials,
      chair: required('chair'),
      scenario: tailorScenario(scenario, tailoring),
      speed: number('speed') ?? 1,
      seed: number('seed') ?? 1,
    },
  };
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, number>>);
}
