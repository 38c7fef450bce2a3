import pino, { type DestinationStream, type Logger } from 'pino';

/** JSON lines on stdout; tests pass their own destination to read what was logged. */
export function createLogger(destination?: DestinationStream): Logger {
  return pino(
    {
      level: process.env.LOG_LEVEL ?? 'info',
      base: { service: 'rentprog-flow' },
      // Defence in depth: fields that could carry a secret are never written.
      redact: { paths: ['req.headers.authorization', 'req.query.t', 'companyToken', 'token'], remove: true },
    },
    destination,
  );
}
