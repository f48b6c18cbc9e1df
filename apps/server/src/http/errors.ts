import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { toErrorIssues } from '@chairside/core';
import {
  DomainError,
  STORE_RETRY_AFTER_SECONDS,
  invalid,
  storeUnavailable,
} from '../domain/errors';
import { isStoreUnavailable } from '../store/database';

/** body-parser and the router mark their errors with `type` and/or a 4xx `status`: the client's fault. */
function clientError(error: unknown): DomainError | null {
  if (typeof error !== 'object' || error === null) return null;
  const type = 'type' in error && typeof error.type === 'string' ? error.type : '';
  switch (type) {
    case 'entity.parse.failed':
      return new DomainError(400, 'invalid_json', 'the request body is not valid JSON');
    case 'entity.too.large':
      return new DomainError(
        413,
        'payload_too_large',
        'the request body is larger than the 1 MB limit: send smaller batches',
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new DomainError(415, 'unsupported_media_type', 'send the body as UTF-8 JSON');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return new DomainError(400, 'bad_request', 'the request body could not be read');
    default:
      break;
  }
  // Other http-errors (e.g. a path that cannot be URL-decoded) carry their own 4xx status.
  const status = 'status' in error && typeof error.status === 'number' ? error.status : 0;
  if (status >= 400 && status < 500) {
    const exposed =
      'expose' in error &&
      error.expose === true &&
      'message' in error &&
      typeof error.message === 'string'
        ? error.message
        : null;
    return new DomainError(status, 'bad_request', exposed ?? 'the request is malformed');
  }
  return null;
}

/** Everything thrown becomes the contract's error body; unexpected errors never leak details. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (isStoreUnavailable(error)) {
      logger.warn({ err: error, method: req.method, url: req.originalUrl }, 'store unavailable');
      res.set('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
      res.status(503).json(storeUnavailable().toBody());
      return;
    }
    const known =
      error instanceof DomainError
        ? error
        : error instanceof ZodError
          ? invalid(toErrorIssues(error))
          : clientError(error);

    if (known === null) {
      logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unexpected error');
      res.status(500).json({
        error: {
          code: 'internal_error',
          message: 'something went wrong on the server; it has been logged',
        },
      });
      return;
    }
    res.status(known.status).json(known.toBody());
  };
}

/** A JSON body is the only kind the API reads; anything else is refused rather than ignored. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? '0') > 0;
  if (hasBody && req.is('application/json') === false) {
    throw new DomainError(
      415,
      'unsupported_media_type',
      `send the body as application/json (got ${req.headers['content-type'] ?? 'no content type'})`,
    );
  }
  next();
};

export const apiNotFound: RequestHandler = (req) => {
  throw new DomainError(
    404,
    'not_found',
    `no route ${req.method} ${req.originalUrl.split('?')[0] ?? ''}`,
  );
};
