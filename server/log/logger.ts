import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Logs go to stdout unless a destination is given (tests read them). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'josuido-portal' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secrets and personal data must never reach a log line, whatever a later feature passes in
      // (tests/integration/log-privacy.test.ts runs the flows and searches the output). Not `code`:
      // that is where errors keep their SQLSTATE or system code (ECONNREFUSED).
      redact: {
        paths: [
          'password', '*.password', 'passwordHash', '*.passwordHash', 'ticket', '*.ticket', 'token', '*.token', 'cookie', '*.cookie', 'req.headers.cookie',
          'email', '*.email', 'input', '*.input', 'query', '*.query'
        ],
        censor: '[redacted]'
      }
    },
    destination
  );
}
