/**
 * Logging. Every Hearth (desktop, serve, CLI) writes `<data>/logs/hearth.log`: JSON lines from pino,
 * size-capped and rotated (5 MB × 3 files), level from HEARTH_LOG_LEVEL (default info). The console
 * gets short human lines as before (serve and the desktop app at info, CLI commands at warn).
 *
 * What never reaches the log: API keys, tokens, passwords and connection strings' passwords
 * (scrubbed from text, and censored by field name in structured data), and the user's own words —
 * message text, titles, prompts — which are censored by field name at every level but debug.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import { RotatingLog } from './rotating-log';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(msg: string, extra?: unknown): void;
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
}

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const LOG_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_FILES = 3;

/** Scrub secrets from free text: OpenAI-style keys, bearer tokens, ?token=, URL passwords. */
export function redact(text: string): string {
  return text
    .replace(/(sk-[A-Za-z0-9_-]{6})[A-Za-z0-9_-]+/g, '$1…')
    .replace(/(bearer\s+)[^\s"']+/gi, '$1…')
    .replace(/([?&](?:token|password|key)=)[^&\s"']+/gi, '$1…')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@"']+:)[^@\s"'/]+@/gi, '$1•••@');
}

/** HEARTH_LOG_LEVEL as a level; anything else is `fallback` (and `invalid` says what was given). */
export function levelFrom(raw: string | undefined, fallback: LogLevel): { level: LogLevel; invalid: string | null } {
  const v = raw?.trim().toLowerCase();
  if (!v) return { level: fallback, invalid: null };
  if ((LOG_LEVELS as readonly string[]).includes(v)) return { level: v as LogLevel, invalid: null };
  return { level: fallback, invalid: raw! };
}

/** Short human lines for a console (stderr by default). */
export function createLogger(
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
  minLevel: LogLevel = levelFrom(process.env.HEARTH_LOG_LEVEL, 'info').level,
): Logger {
  const log = (level: LogLevel, msg: string, extra?: unknown) => {
    if (order[level] < (order[minLevel] ?? 20)) return;
    let detail = '';
    if (extra instanceof Error) detail = ` ${extra.stack ?? extra.message}`;
    else if (extra !== undefined) detail = ` ${JSON.stringify(extra)}`;
    write(redact(`${new Date().toISOString()} ${level.toUpperCase()} ${msg}${detail}`));
  };
  return {
    debug: (m, e) => log('debug', m, e),
    info: (m, e) => log('info', m, e),
    warn: (m, e) => log('warn', m, e),
    error: (m, e) => log('error', m, e),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Field names whose values are secrets: censored at every level. */
const SECRET_FIELDS = ['apiKey', 'openaiApiKey', 'key', 'token', 'password', 'passphrase', 'authorization', 'secret'];
/** Field names holding the user's words: censored unless the level is debug. */
const TEXT_FIELDS = ['content', 'text', 'thinking', 'title', 'systemPrompt', 'prompt', 'delta', 'name'];

function redactPaths(level: LogLevel): string[] {
  const fields = level === 'debug' ? SECRET_FIELDS : [...SECRET_FIELDS, ...TEXT_FIELDS];
  return fields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
}

export interface FileLogger extends Logger {
  readonly file: string;
  readonly level: LogLevel;
  close(): void;
}

/**
 * Hearth's log file. Entries are JSON lines: time, level, msg, and for errors `err` (type, message,
 * stack) and, where there is one, `requestId` (shown to the user with the error).
 */
export function createFileLogger(file: string, level: LogLevel = 'info'): FileLogger {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const out = new RotatingLog(file, { maxBytes: LOG_MAX_BYTES, files: LOG_FILES });
  const p = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths(level), censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    // Every line, message and structured fields alike, is scrubbed once on its way to the file.
    { write: (chunk: string) => out.write(redact(chunk)) },
  );
  const log = (lvl: LogLevel, msg: string, extra?: unknown) => {
    if (extra instanceof Error) p[lvl]({ err: extra }, msg);
    else if (extra !== undefined && typeof extra === 'object') {
      const { err, ...rest } = extra as { err?: unknown };
      p[lvl](err instanceof Error ? { ...rest, err } : (extra as object), msg);
    } else if (extra !== undefined) p[lvl]({ detail: extra }, msg);
    else p[lvl](msg);
  };
  return {
    file,
    level,
    debug: (m, e) => log('debug', m, e),
    info: (m, e) => log('info', m, e),
    warn: (m, e) => log('warn', m, e),
    error: (m, e) => log('error', m, e),
    close: () => out.close(),
  };
}

/** Both: every entry to the file (at its level) and to the console logger (at its own). */
export function teeLogger(...loggers: Logger[]): Logger {
  return {
    debug: (m, e) => loggers.forEach((l) => l.debug(m, e)),
    info: (m, e) => loggers.forEach((l) => l.info(m, e)),
    warn: (m, e) => loggers.forEach((l) => l.warn(m, e)),
    error: (m, e) => loggers.forEach((l) => l.error(m, e)),
  };
}

/** A short id for one failed request, shown to the user and written beside the error in the log. */
export function newRequestId(): string {
  return Math.random().toString(36).slice(2, 10).padEnd(8, '0');
}
