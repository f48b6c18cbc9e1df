/**
 * Modified Aldrete score (CLINICAL.md section 4): discharge readiness after the infusion.
 * Five items scored 0-2; a total of 9 or more allows discharge. Pure: the caller hands in
 * the readings and the nurse's observations.
 */

export type AldreteItemScore = 0 | 1 | 2;

export const ALDRETE_ITEMS = [
  'activity',
  'respiration',
  'circulation',
  'consciousness',
  'spo2',
] as const;
export type AldreteItem = (typeof ALDRETE_ITEMS)[number];

export interface AldreteLevel {
  score: AldreteItemScore;
  description: string;
}

export const ALDRETE_ITEM_NAMES: Record<AldreteItem, string> = {
  activity: 'Activity',
  respiration: 'Respiration',
  circulation: 'Circulation',
  consciousness: 'Consciousness',
  spo2: 'SpO2',
};

/** The level descriptions a nurse scores against, best first. */
export const ALDRETE_LEVELS: Record<AldreteItem, readonly AldreteLevel[]> = {
  activity: [
    { score: 2, description: 'Moves all four limbs voluntarily or on command' },
    { score: 1, description: 'Moves two limbs voluntarily or on command' },
    { score: 0, description: 'Unable to move limbs' },
  ],
  respiration: [
    { score: 2, description: 'Breathes deeply and coughs freely' },
    { score: 1, description: 'Dyspnea, shallow or limited breathing' },
    { score: 0, description: 'Apneic' },
  ],
  circulation: [
    { score: 2, description: 'BP within 20% of baseline' },
    { score: 1, description: 'BP 20-49% away from baseline' },
    { score: 0, description: 'BP 50% or more away from baseline' },
  ],
  consciousness: [
    { score: 2, description: 'Fully awake' },
    { score: 1, description: 'Arousable on calling' },
    { score: 0, description: 'Not responding' },
  ],
  spo2: [
    { score: 2, description: 'SpO2 above 92% on room air' },
    { score: 1, description: 'Needs oxygen to keep SpO2 above 90%' },
    { score: 0, description: 'SpO2 90% or below even with oxygen' },
  ],
};

/** Total at or above which the patient may be discharged. */
export const ALDRETE_DISCHARGE_MIN = 9;

/**
 * Circulation from the systolic pressure now against the pre-infusion baseline. A deviation of
 * exactly 20% or 50% scores the lower level: at a boundary the score errs towards keeping the
 * patient. Null when either reading is missing (the nurse must score it herself).
 */
export function aldreteCirculation(
  sbp: number | null | undefined,
  baselineSbp: number | null | undefined,
): AldreteItemScore | null {
  if (
    sbp === null ||
    sbp === undefined ||
    baselineSbp === null ||
    baselineSbp === undefined ||
    baselineSbp <= 0
  ) {
    return null;
  }
  const deviationPercent = (Math.abs(sbp - baselineSbp) / baselineSbp) * 100;
  if (deviationPercent < 20) return 2;
  if (deviationPercent < 50) return 1;
  return 0;
}

/**
 * SpO2 item: above 92% on room air is 2. Anything else above 90% is 1 (on oxygen, or 91-92% on
 * room air, which needs oxygen to stay safely above 90). 90% or below is 0.
 */
export function aldreteSpo2(
  spo2: number | null | undefined,
  onOxygen: boolean,
): AldreteItemScore | null {
  if (spo2 === null || spo2 === undefined) return null;
  if (spo2 > 92 && !onOxygen) return 2;
  if (spo2 > 90) return 1;
  return 0;
}

export type AldreteScores = Partial<Record<AldreteItem, AldreteItemScore | null>>;

export interface AldreteResult {
  /** Sum of the items scored so far. */
  total: number;
  /** Items not scored yet: no discharge decision without all five. */
  missing: AldreteItem[];
  /** Scored items below 2, the reasons a total falls short. */
  low: { item: AldreteItem; score: AldreteItemScore }[];
  ready: boolean;
}

export function aldreteResult(scores: AldreteScores): AldreteResult {
  let total = 0;
  const missing: AldreteItem[] = [];
  const low: { item: AldreteItem; score: AldreteItemScore }[] = [];
  for (const item of ALDRETE_ITEMS) {
    const s = scores[item];
    if (s === null || s === undefined) {
      missing.push(item);
      continue;
    }
    total += s;
    if (s < 2) low.push({ item, score: s });
  }
  return { total, missing, low, ready: missing.length === 0 && total >= ALDRETE_DISCHARGE_MIN };
}

/** "Ready for discharge: Aldrete 10/10" or why not, in the nurse's words. */
export function describeAldrete(result: AldreteResult): string {
  if (result.missing.length > 0) {
    return `Not ready: score ${result.missing.map((i) => ALDRETE_ITEM_NAMES[i]).join(', ')} first`;
  }
  if (result.ready) return `Ready for discharge: Aldrete ${result.total}/10`;
  const reasons = result.low.map((l) => `${ALDRETE_ITEM_NAMES[l.item]} ${l.score}`).join(', ');
  return `Not ready: Aldrete ${result.total}/10, needs ${ALDRETE_DISCHARGE_MIN} (${reasons})`;
}
