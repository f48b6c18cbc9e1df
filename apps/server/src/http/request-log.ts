import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/**
 * One line per request, written when the answer is finished. Successful requests log at
 * debug (a clinic's device feeds would otherwise flood the log); 4xx at info, 5xx at error.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger[level](
        { method: req.method, url: req.originalUrl, status, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    });
    next();
  };
}
