import { z } from 'zod';
import { SessionSchema } from './session';

export const ChairCreateSchema = z.strictObject({
  label: z.string().trim().min(1, 'label is required').max(40),
});
export type ChairCreate = z.infer<typeof ChairCreateSchema>;

export const ChairSchema = z.object({
  id: z.string(),
  label: z.string(),
  session: SessionSchema.nullable(),
});
export type Chair = z.infer<typeof ChairSchema>;
