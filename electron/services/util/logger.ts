/** A tiny leveled logger. Never give it secrets; `redact` scrubs anything that looks like a key. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(msg: string, extra?: unknown): void;
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function redact(text: string): string {
  return text
    .replace(/(sk-[A-Za-z0-9_-]{6})[A-Za-z0-9_-]+/g, '$1…')
    .replace(/(bearer\s+)[^\s"']+/gi, '$1…')
    .replace(/([?&]token=)[^&\s"']+/gi, '$1…');
}

export function createLogger(
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
  minLevel: LogLevel = (process.env.HEARTH_LOG_LEVEL as LogLevel) || 'info',
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
