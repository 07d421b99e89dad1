import { pino, type Logger, type LevelWithSilent } from "pino";

export type { Logger };

/** Keys whose values never reach a log line, wherever they appear. */
const REDACTED_PATHS = [
  "token",
  "*.token",
  "authToken",
  "*.authToken",
  "_authToken",
  "*._authToken",
  "password",
  "*.password",
  "secret",
  "*.secret",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
];

export function createLogger(level: LevelWithSilent, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    formatters: { level: (label) => ({ level: label }) },
  });
}
