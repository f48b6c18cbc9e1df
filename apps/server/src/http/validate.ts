import { toErrorIssues } from '@chairside/core';
import type { z } from 'zod';
import { invalid } from '../domain/errors';

/** Parses a request body with a core schema, or throws a 400 naming every field at fault. */
export function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what = 'request body',
): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid(toErrorIssues(parsed.error), what);
  return parsed.data;
}
