import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'josuido-portal' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Secrets must never reach a log line, whatever a later feature passes in.
    redact: { paths: ['password', '*.password', 'code', '*.code', 'cookie', '*.cookie', 'req.headers.cookie'], censor: '[redacted]' }
  });
}
