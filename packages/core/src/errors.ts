import { z } from 'zod';

/** The contract's error body: every 4xx (and 5xx) answer has this shape. */
export const ErrorIssueSchema = z.object({ path: z.string(), message: z.string() });
export type ErrorIssue = z.infer<typeof ErrorIssueSchema>;

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(ErrorIssueSchema).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Zod issues to contract issues: paths joined with dots, e.g. `3.spo2`. */
export function toErrorIssues(error: z.ZodError): ErrorIssue[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    // An unknown field is named in the path itself, so a client sees `3.foo`, not `3`.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...base, key].join('.'),
        message: `unknown field "${key}"`,
      }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}

/** A typed result for validation that must not throw across a socket boundary. */
export type Validated<T> = { ok: true; value: T } | { ok: false; issues: ErrorIssue[] };
