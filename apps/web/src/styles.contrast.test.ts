import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * WCAG 2.x AA in the dark theme, read from the stylesheet itself: every colour pair below is
 * looked up in styles.css (the rule's own declarations, custom properties resolved), so a
 * colour changed there is measured here. Text needs 4.5:1, large text (the tile numerals) and
 * the boundaries of controls and tiles (1.4.11) 3:1.
 */

interface Rule {
  /** Selector, or "@keyframes name 50%" inside keyframes. */
  selector: string;
  declarations: Map<string, string>;
}

function stripComments(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, '');
}

/** Rules of the screen stylesheet: print rules are left out (paper is light). */
function parseRules(css: string, context = ''): Rule[] {
  const rules: Rule[] = [];
  let i = 0;
  while (i < css.length) {
    const open = css.indexOf('{', i);
    if (open === -1) break;
    const prelude = css.slice(i, open).trim();
    // Find the matching close brace.
    let depth = 1;
    let j = open + 1;
    while (j < css.length && depth > 0) {
      if (css[j] === '{') depth++;
      else if (css[j] === '}') depth--;
      j++;
    }
    const body = css.slice(open + 1, j - 1);
    if (prelude.startsWith('@media')) {
      if (!prelude.includes('print')) rules.push(...parseRules(body, context));
    } else if (prelude.startsWith('@keyframes')) {
      rules.push(...parseRules(body, `${prelude} `));
    } else if (!prelude.startsWith('@')) {
      const declarations = new Map<string, string>();
      for (const part of body.split(';')) {
        const colon = part.indexOf(':');
        if (colon === -1) continue;
        declarations.set(part.slice(0, colon).trim(), part.slice(colon + 1).trim());
      }
      for (const selector of prelude.split(',')) {
        rules.push({ selector: `${context}${selector.trim()}`, declarations });
      }
    }
    i = j;
  }
  return rules;
}

const css = stripComments(readFileSync(resolve(import.meta.dirname, 'styles.css'), 'utf8'));
const rules = parseRules(css);

/** Custom properties of the dark theme (every :root block outside print, in order). */
const properties = new Map<string, string>();
for (const rule of rules) {
  if (rule.selector !== ':root') continue;
  for (const [name, value] of rule.declarations) {
    if (name.startsWith('--')) properties.set(name, value);
  }
}

function resolveColour(value: string): string {
  const variable = /var\((--[\w-]+)\)/.exec(value);
  if (variable?.[1] !== undefined) {
    const held = properties.get(variable[1]);
    if (held === undefined) throw new Error(`${variable[1]} is not defined in :root`);
    return resolveColour(held);
  }
  const hex = /#[0-9a-fA-F]{3,8}\b/.exec(value);
  if (hex === null) throw new Error(`no colour in "${value}"`);
  return hex[0];
}

/** The colour a rule gives `property` (`border` and `outline` shorthands included). */
function colourOf(selector: string, property: string): string {
  // The last rule for a selector wins, as in the browser.
  const found = rules.filter((r) => r.selector === selector && r.declarations.has(property));
  const value = found.at(-1)?.declarations.get(property);
  if (value === undefined) throw new Error(`${selector} has no ${property}`);
  return resolveColour(value);
}

function channel(hex: string, at: number): number {
  const c = parseInt(hex.slice(at, at + 2), 16) / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2.x relative luminance of an sRGB colour (#rgb or #rrggbb; alpha is not used here). */
export function relativeLuminance(colour: string): number {
  let hex = colour.replace('#', '');
  if (hex.length === 3) hex = hex.replace(/./g, (c) => c + c);
  if (hex.length !== 6) throw new Error(`${colour}: use an opaque colour for text and borders`);
  return 0.2126 * channel(hex, 0) + 0.7152 * channel(hex, 2) + 0.0722 * channel(hex, 4);
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

const BG = resolveColour('var(--bg)');
const SURFACE = resolveColour('var(--surface)');
const RAISED = resolveColour('var(--surface-raised)');

describe('contrast arithmetic', () => {
  it('follows WCAG 2.x: black on white is 21:1, a colour on itself 1:1', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#777777')).toBe(1);
    // A known pair: #767676 on white is the classic 4.54:1.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });
});

type Pair = [what: string, foreground: string, background: string];

const BODY_TEXT: Pair[] = [
  ['page text', colourOf(':root', 'color'), colourOf(':root', 'background')],
  ['tile text', colourOf('.chair-tile', 'color'), colourOf('.chair-tile', 'background')],
  ['vital label', colourOf('.vital-label', 'color'), SURFACE],
  ['value age', colourOf('.vital-age', 'color'), SURFACE],
  ['patient ref', colourOf('.tile-patient', 'color'), SURFACE],
  ['"No alarm"', colourOf('.tile-no-alarm', 'color'), SURFACE],
  ['STALE mark', colourOf('.stale-mark', 'color'), SURFACE],
  ['state: infusing', colourOf('.session-infusing', 'color'), SURFACE],
  ['state: paused', colourOf('.session-paused', 'color'), SURFACE],
  ['state: recovery', colourOf('.session-recovery', 'color'), SURFACE],
  ['state: none', colourOf('.session-none', 'color'), SURFACE],
  ['vitals due now', colourOf('.tile-vitals-due.is-due', 'color'), SURFACE],
  ['muted on raised (table heads)', resolveColour('var(--muted)'), RAISED],
  ['link', colourOf('a', 'color'), BG],
  ['button', colourOf('.button', 'color'), colourOf('.button', 'background')],
  [
    'primary button',
    colourOf('.button-primary', 'color'),
    colourOf('.button-primary', 'background'),
  ],
  ['alarm high', colourOf('.alarm-high', 'color'), colourOf('.alarm-high', 'background')],
  [
    'alarm high, flash off',
    colourOf('@keyframes alarm-flash-high 50%', 'color'),
    colourOf('@keyframes alarm-flash-high 50%', 'background'),
  ],
  ['alarm medium', colourOf('.alarm-medium', 'color'), colourOf('.alarm-medium', 'background')],
  [
    'alarm medium, flash off',
    colourOf('@keyframes alarm-flash-medium 50%', 'color'),
    colourOf('@keyframes alarm-flash-medium 50%', 'background'),
  ],
  ['alarm low', colourOf('.alarm-low', 'color'), colourOf('.alarm-low', 'background')],
  [
    'technical alarm',
    colourOf('.alarm-technical', 'color'),
    colourOf('.alarm-technical', 'background'),
  ],
  [
    'button in an alarm row',
    colourOf('.alarm-row .button', 'color'),
    colourOf('.alarm-row .button', 'background'),
  ],
  [
    'escalated to you',
    colourOf('.alarm-escalated', 'color'),
    colourOf('.alarm-escalated', 'background'),
  ],
  ['tile "▲ YOU"', colourOf('.tile-escalated', 'color'), colourOf('.tile-escalated', 'background')],
  [
    'escalation count',
    colourOf('.alarm-banner-escalated', 'color'),
    colourOf('.alarm-banner-escalated', 'background'),
  ],
  [
    'connection lost',
    colourOf('.connection-lost', 'color'),
    colourOf('.connection-lost', 'background'),
  ],
  [
    'NOT LIVE',
    colourOf('.tile-offline-mark', 'color'),
    colourOf('.tile-offline-mark', 'background'),
  ],
  ['form error', colourOf('.form-error', 'color'), colourOf('.form-error', 'background')],
  ['field error', colourOf('.entry-error', 'color'), RAISED],
  [
    'input text',
    colourOf('.entry-field input', 'color'),
    colourOf('.entry-field input', 'background'),
  ],
  ['chip high', colourOf('.chip-high', 'color'), colourOf('.chip-high', 'background')],
  ['chip medium', colourOf('.chip-medium', 'color'), colourOf('.chip-medium', 'background')],
  [
    'chip technical',
    colourOf('.chip-technical', 'color'),
    colourOf('.chip-technical', 'background'),
  ],
  ['Aldrete ready', colourOf('.aldrete-result.is-ready', 'color'), SURFACE],
  ['Aldrete not ready', colourOf('.aldrete-result.is-not-ready', 'color'), SURFACE],
  ['report alarm legend', colourOf('.legend-alarm', 'color'), SURFACE],
  ['audit action name', colourOf('.audit-action', 'color'), BG],
];

const LARGE_TEXT: Pair[] = [
  // 52 px numerals: large text. A stale or unmeasured value is dimmer on purpose, not unreadable.
  ['stale numeral', colourOf('.vital.is-stale .vital-value', 'color'), SURFACE],
  ['unmeasured numeral', colourOf('.vital.is-unmeasured .vital-value', 'color'), SURFACE],
  ['chair name', colourOf('.chair-tile', 'color'), SURFACE],
];

const BOUNDARIES: Pair[] = [
  ['tile border on the page', colourOf('.chair-tile', 'border'), BG],
  ['tile border inside', colourOf('.chair-tile', 'border'), SURFACE],
  ['button border on the page', colourOf('.button', 'border'), BG],
  ['button border on a panel', colourOf('.button', 'border'), SURFACE],
  ['input border', colourOf('.entry-field input', 'border'), SURFACE],
  ['input border in the sheet', colourOf('.entry-field input', 'border'), RAISED],
  ['login input border', colourOf('.field input', 'border'), SURFACE],
  ['filter border', colourOf('.filter select', 'border'), SURFACE],
  ['state pill', colourOf('.session-state', 'border'), SURFACE],
  ['focus ring on the page', colourOf(':focus-visible', 'outline'), BG],
  ['focus ring on a tile', colourOf('.chair-tile:focus-visible', 'outline'), BG],
  ['focus ring on a panel', colourOf(':focus-visible', 'outline'), RAISED],
  ['stale frame', colourOf('.vital.is-stale', 'border'), SURFACE],
  ['high alarm tile', colourOf('.chair-tile.tile-alarm-high', 'border-color'), BG],
  ['medium alarm tile', colourOf('.chair-tile.tile-alarm-medium', 'border-color'), BG],
  ['technical alarm tile', colourOf('.chair-tile.tile-alarm-technical', 'border-color'), BG],
  ['escalated tile ring', colourOf('.chair-tile.is-escalated-to-me', 'box-shadow'), BG],
  ['escalated row outline', colourOf('.alarm-row.is-escalated', 'box-shadow'), SURFACE],
  ['focus ring on an audit row', colourOf('.audit-table tbody tr:focus-visible', 'outline'), BG],
];

function below(pairs: Pair[], minimum: number): string[] {
  return pairs
    .map(([what, fg, bg]) => ({ what, fg, bg, ratio: contrastRatio(fg, bg) }))
    .filter((p) => p.ratio < minimum)
    .map((p) => `${p.what}: ${p.fg} on ${p.bg} = ${p.ratio.toFixed(2)}:1`);
}

describe('WCAG AA contrast of the dark theme (styles.css)', () => {
  it('body text reaches 4.5:1', () => {
    expect(below(BODY_TEXT, 4.5)).toEqual([]);
  });

  it('large text (tile numerals, chair names) reaches 3:1', () => {
    expect(below(LARGE_TEXT, 3)).toEqual([]);
  });

  it('tiles, controls, the focus ring and alarm frames stand out 3:1 from what is around them', () => {
    expect(below(BOUNDARIES, 3)).toEqual([]);
  });

  it('measures what the header comment promises for the main text colours', () => {
    expect(contrastRatio(resolveColour('var(--text)'), SURFACE)).toBeGreaterThan(11.9);
    expect(contrastRatio(resolveColour('var(--muted)'), SURFACE)).toBeGreaterThan(6.6);
    expect(contrastRatio(resolveColour('var(--stale)'), SURFACE)).toBeGreaterThan(5.7);
  });
});
