/**
 * Hearth's log as people read it. The file holds pino JSON lines ({time, level, msg, requestId?,
 * err?: {message, stack}}); each becomes `time LEVEL msg · request <id> · <error message>`. A line
 * that is not a JSON object (a cut-off first line of a tail, something written by hand) is kept as
 * it is.
 */

export type LogSeverity = 'debug' | 'info' | 'warn' | 'error' | 'other';

export interface LogLine {
  /** The line as shown. */
  text: string;
  severity: LogSeverity;
}

/** pino's numeric levels, for a log written without the label formatter. */
const PINO_LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const SEVERITY: Record<string, LogSeverity> = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'error',
};

function levelName(level: unknown): string {
  if (typeof level === 'number') return PINO_LEVELS[level] ?? String(level);
  return typeof level === 'string' ? level.toLowerCase() : '';
}

function timeText(time: unknown): string {
  if (typeof time === 'string') return time;
  if (typeof time === 'number' && Number.isFinite(time)) {
    const d = new Date(time);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return '';
}

function errorMessage(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return '';
}

/** One line of the file as shown in the viewer. */
export function formatLogLine(raw: string): LogLine {
  let entry: unknown;
  try {
    entry = JSON.parse(raw);
  } catch {
    return { text: raw, severity: 'other' };
  }
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return { text: raw, severity: 'other' };
  const e = entry as Record<string, unknown>;
  const level = levelName(e.level);
  const parts = [timeText(e.time), level.toUpperCase().padEnd(5), typeof e.msg === 'string' ? e.msg : ''];
  let text = parts.filter((p) => p.trim() !== '').join(' ');
  if (typeof e.requestId === 'string' && e.requestId) text += ` · request ${e.requestId}`;
  const err = errorMessage(e.err);
  if (err && !text.includes(err)) text += ` · ${err}`;
  return { text: text || raw, severity: SEVERITY[level] ?? 'other' };
}

/** The tail of the file, oldest first (as in the file), blank lines left out. */
export function formatLogTail(tail: string): LogLine[] {
  return tail
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map(formatLogLine);
}
