import type { ErrorBody, ErrorIssue } from '@chairside/core';

/**
 * The one error type domain functions throw. HTTP turns it into the contract's error body
 * with `status`; a socket handler puts the same body into its ack.
 */
export class DomainError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ErrorIssue[] | undefined;

  constructor(status: number, code: string, message: string, issues?: ErrorIssue[]) {
    super(message);
    this.name = 'DomainError';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.issues !== undefined && this.issues.length > 0 ? { issues: this.issues } : {}),
      },
    };
  }
}

/** How long a client should wait before retrying when the store is unreachable. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The database cannot be reached: nothing of the request was stored; retry. */
export function storeUnavailable(): DomainError {
  return new DomainError(
    503,
    'store_unavailable',
    `the database is not reachable: nothing from this request was stored; retry in ${STORE_RETRY_AFTER_SECONDS} s`,
  );
}

export function badRequest(
  message: string,
  issues?: ErrorIssue[],
  code = 'validation_failed',
): DomainError {
  return new DomainError(400, code, message, issues);
}

export function unauthorized(
  message = 'a valid bearer token is required',
  code = 'unauthorized',
): DomainError {
  return new DomainError(401, code, message);
}

export function forbidden(message: string): DomainError {
  return new DomainError(403, 'forbidden', message);
}

export function notFound(message: string): DomainError {
  return new DomainError(404, 'not_found', message);
}

export function conflict(code: string, message: string): DomainError {
  return new DomainError(409, code, message);
}

/** A validation failure: the message names the first field at fault so a log line alone helps. */
export function invalid(issues: ErrorIssue[], what = 'request'): DomainError {
  const first = issues[0];
  const where =
    first === undefined
      ? ''
      : first.path === ''
        ? `: ${first.message}`
        : ` at ${first.path}: ${first.message}`;
  return badRequest(`invalid ${what}${where}`, issues);
}
