import { describe, expect, it } from 'vitest';
import { parseCliArgs, scenarioList, tailorScenario } from './cli-args';
import type { CliCommand, DeviceRunOptions } from './cli-args';
import { findScenario, SCENARIOS, ScenarioRun } from './scenarios';

const base = [
  '--url',
  'http://127.0.0.1:3000',
  '--user',
  'trainer',
  '--password',
  'pw',
  '--chair',
  'Chair 1',
  '--scenario',
  'typical-response',
];

function runOptions(command: CliCommand): DeviceRunOptions {
  if (command.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(command)}`);
  return command.options;
}

function errorOf(command: CliCommand): string {
  if (command.kind !== 'error') throw new Error(`expected an error, got ${command.kind}`);
  return command.message;
}

describe('parseCliArgs', () => {
  it('reads a run with defaults, ignoring the -- pnpm passes through', () => {
    const options = runOptions(parseCliArgs(['--', ...base]));
    expect(options.url).toBe('http://127.0.0.1:3000');
    expect(options.credentials).toEqual({ username: 'trainer', password: 'pw' });
    expect(options.chair).toBe('Chair 1');
    expect(options.scenario).toEqual(findScenario('typical-response'));
    expect(options.speed).toBe(1);
    expect(options.seed).toBe(1);
  });

  it('takes --flag=value, a token, speed and seed', () => {
    const options = runOptions(
      parseCliArgs([
        '--url=https://clinic.example/',
        '--token',
        'T0K',
        '--chair=abc',
        '--scenario=vasovagal',
        '--speed',
        '5',
        '--seed=42',
      ]),
    );
    expect(options).toMatchObject({
      url: 'https://clinic.example',
      credentials: { token: 'T0K' },
      chair: 'abc',
      speed: 5,
      seed: 42,
    });
    expect(options.scenario.id).toBe('vasovagal');
  });

  it('answers --list and --help without needing a server', () => {
    expect(parseCliArgs(['--', '--list'])).toEqual({ kind: 'list' });
    expect(parseCliArgs(['--help', '--url', 'x'])).toEqual({ kind: 'help' });
    expect(scenarioList().split('\n')).toHaveLength(SCENARIOS.length);
    expect(scenarioList()).toContain('feed-loss');
  });

  it('names every scenario id when the scenario is unknown', () => {
    const message = errorOf(parseCliArgs([...base.slice(0, -1), 'no-such']));
    expect(message).toContain('unknown scenario "no-such"');
    for (const s of SCENARIOS) expect(message).toContain(s.id);
  });

  it.each([
    [['--speed', '0'], '--speed must be from 0.1 to 1000'],
    [['--speed', 'fast'], '--speed must be a number'],
    [['--seed', '1.5'], '--seed must be a number'],
    [['--weight', '800'], '--weight must be from 30 to 250'],
    [['--dose', '5'], '--dose must be from 0.05 to 2'],
    [['--colour', 'red'], 'unknown option --colour'],
    [['--chair'], '--chair needs a value'],
    [['--chair', '--speed', '2'], '--chair needs a value'],
    [['stray'], 'unexpected argument "stray"'],
    [['--list=yes'], '--list takes no value'],
  ])('refuses %j: %s', (extra, expected) => {
    expect(errorOf(parseCliArgs([...base, ...extra]))).toContain(expected);
  });

  it('refuses a URL it could not connect to', () => {
    const withUrl = (url: string): string[] => ['--url', url, ...base.slice(2)];
    expect(errorOf(parseCliArgs(withUrl('not a url')))).toBe(
      '--url "not a url" is not a URL; expected something like http://127.0.0.1:3000',
    );
    expect(errorOf(parseCliArgs(withUrl('ftp://host')))).toContain('http:// or https://');
  });

  it('refuses a flag given twice and a run without what it needs', () => {
    expect(errorOf(parseCliArgs([...base, '--chair', 'Chair 2']))).toBe('--chair is given twice');
    expect(
      errorOf(
        parseCliArgs([
          '--url',
          'http://h',
          '--user',
          'u',
          '--password',
          'p',
          '--scenario',
          'vasovagal',
        ]),
      ),
    ).toBe('--chair is required (see --help)');
    expect(
      errorOf(
        parseCliArgs([
          '--url',
          'http://h',
          '--user',
          'u',
          '--chair',
          'c',
          '--scenario',
          'vasovagal',
        ]),
      ),
    ).toContain('log in with --token, or with --user and --password');
    expect(errorOf(parseCliArgs([...base, '--token', 't']))).toContain('not both');
  });

  it('tailors patient, dose, infusion length and run length from the command line', () => {
    const options = runOptions(
      parseCliArgs([
        ...base,
        '--weight',
        '80',
        '--dose',
        '0.75',
        '--minutes',
        '60',
        '--duration-minutes',
        '20',
      ]),
    );
    expect(options.scenario.patient?.weightKg).toBe(80);
    expect(options.scenario.infusion).toEqual({ doseMgPerKg: 0.75, plannedMinutes: 60 });
    expect(options.scenario.durationMinutes).toBe(20);
    expect(
      new ScenarioRun({ scenario: options.scenario, startAtMs: 0, seed: 1 }).patient.weightKg,
    ).toBe(80);
  });
});

describe('tailorScenario', () => {
  it('moves the pump stop and everything after it with a new infusion length', () => {
    const scenario = findScenario('emergence-agitation');
    if (scenario === undefined) throw new Error('scenario missing');
    const stopAt = (s: typeof scenario): number | undefined =>
      s.timeline.find((e) => e.event.type === 'infusion-stopped')?.atMinute;
    const agitationAt = (s: typeof scenario): number | undefined =>
      s.timeline.find((e) => e.event.type === 'emergence-agitation')?.atMinute;

    const longer = tailorScenario(scenario, { plannedMinutes: 60 });
    expect(stopAt(scenario)).toBe(45);
    expect(stopAt(longer)).toBe(65);
    expect(agitationAt(longer)).toBe((agitationAt(scenario) ?? 0) + 20);
    expect(longer.durationMinutes).toBe(scenario.durationMinutes + 20);
    expect(longer.timeline.find((e) => e.event.type === 'infusion-started')?.atMinute).toBe(5);

    const shorter = tailorScenario(scenario, { plannedMinutes: 30 });
    expect(stopAt(shorter)).toBe(35);
    expect(shorter.durationMinutes).toBe(scenario.durationMinutes - 10);
  });

  it('leaves a scenario alone when nothing is tailored', () => {
    const scenario = SCENARIOS[0];
    if (scenario === undefined) throw new Error('no scenarios');
    expect(tailorScenario(scenario, {})).toEqual(scenario);
  });
});
