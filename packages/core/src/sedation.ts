import { z } from 'zod';

/** MOAA/S levels, CLINICAL.md section 4. Index = score. */
export const MOAAS_LEVELS: readonly { score: number; description: string }[] = [
  { score: 5, description: 'Responds readily to name spoken in normal tone' },
  { score: 4, description: 'Lethargic response to name spoken in normal tone' },
  { score: 3, description: 'Responds only after name is called loudly or repeatedly' },
  { score: 2, description: 'Responds only after mild prodding or shaking' },
  { score: 1, description: 'Responds only to painful trapezius squeeze' },
  { score: 0, description: 'No response to painful trapezius squeeze' },
];

/** RASS levels, CLINICAL.md section 4. */
export const RASS_LEVELS: readonly { score: number; description: string }[] = [
  { score: 4, description: 'Combative: violent, immediate danger to staff' },
  { score: 3, description: 'Very agitated: pulls or removes lines, aggressive' },
  { score: 2, description: 'Agitated: frequent non-purposeful movement' },
  { score: 1, description: 'Restless: anxious, movements not aggressive' },
  { score: 0, description: 'Alert and calm' },
  { score: -1, description: 'Drowsy: sustained eye contact to voice (> 10 s)' },
  { score: -2, description: 'Light sedation: briefly awakens to voice (< 10 s)' },
  { score: -3, description: 'Moderate sedation: movement to voice, no eye contact' },
  { score: -4, description: 'Deep sedation: responds only to physical stimulus' },
  { score: -5, description: 'Unrousable: no response to voice or physical stimulus' },
];

export const SedationSchema = z.discriminatedUnion('scale', [
  z.strictObject({ scale: z.literal('MOAA/S'), score: z.number().int().min(0).max(5) }),
  z.strictObject({ scale: z.literal('RASS'), score: z.number().int().min(-5).max(4) }),
]);
export type Sedation = z.infer<typeof SedationSchema>;
export type SedationScale = Sedation['scale'];
export const SEDATION_SCALES: readonly SedationScale[] = ['MOAA/S', 'RASS'];

export function describeSedation(s: Sedation): string {
  const levels = s.scale === 'MOAA/S' ? MOAAS_LEVELS : RASS_LEVELS;
  return levels.find((l) => l.score === s.score)?.description ?? '';
}
