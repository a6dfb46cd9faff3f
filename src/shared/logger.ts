/**
 * Structured logs: one JSON object per line on stdout (CloudWatch Logs keeps each line as one
 * event, and Logs Insights can query the fields). The functions run with Lambda's JSON log
 * format, which takes a line's `level` and RFC 3339 `timestamp` as the event's own, so
 * ApplicationLogLevel filters them like the runtime's. Secrets registered with `redact` never
 * reach the output, whatever field or message they hide in.
 */
import { scrubSecrets } from './redaction';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(
  options: {
    level?: LogLevel;
    fields?: Record<string, unknown>;
    write?: (line: string) => void;
  } = {},
): Logger {
  const minLevel = LEVEL_ORDER[options.level ?? 'info'];
  const base = options.fields ?? {};
  const write = options.write ?? ((line: string) => process.stdout.write(line));

  const log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LEVEL_ORDER[level] < minLevel) return;
    const entry = { timestamp: new Date().toISOString(), level, message, ...base, ...fields };
    // Each string before it is escaped into JSON (a secret holding `"` or `\` would no longer
    // match), then the line once more (a secret split over two fields joined by a replacer).
    write(`${scrubSecrets(JSON.stringify(entry, scrubbingReplacer))}\n`);
  };

  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

function scrubbingReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value instanceof Error) {
    const hint = (value as { hint?: unknown }).hint;
    return {
      name: value.name,
      message: scrubSecrets(value.message),
      ...(typeof hint === 'string' ? { hint: scrubSecrets(hint) } : hint ? { hint } : {}),
    };
  }
  return value;
}
