/** Settings → Log's viewer: pino JSON lines read as `time LEVEL msg`, anything else as it is. */
import { describe, expect, it } from 'vitest';
import { formatLogLine, formatLogTail } from './log-lines';

const line = (o: object) => JSON.stringify(o);

describe('a log line', () => {
  it('reads as time, level and message', () => {
    const l = formatLogLine(
      line({ level: 'info', time: '2025-03-01T10:00:00.000Z', pid: 42, msg: 'Hearth 0.1.0 starting (serve)' }),
    );
    expect(l).toEqual({ text: '2025-03-01T10:00:00.000Z INFO  Hearth 0.1.0 starting (serve)', severity: 'info' });
  });

  it('adds the request id and the error’s message, not its stack', () => {
    const l = formatLogLine(
      line({
        level: 'error',
        time: '2025-03-01T10:00:01.000Z',
        msg: 'chats.list failed',
        requestId: 'ab12cd34',
        err: { type: 'TypeError', message: 'The database connection is not open', stack: 'TypeError: …\n    at x' },
      }),
    );
    expect(l.severity).toBe('error');
    expect(l.text).toBe(
      '2025-03-01T10:00:01.000Z ERROR chats.list failed · request ab12cd34 · The database connection is not open',
    );
    expect(l.text).not.toContain('at x');
  });

  it('understands pino’s numeric levels and epoch times', () => {
    const l = formatLogLine(line({ level: 40, time: Date.UTC(2025, 2, 1, 10), msg: 'slow' }));
    expect(l).toEqual({ text: '2025-03-01T10:00:00.000Z WARN  slow', severity: 'warn' });
    expect(formatLogLine(line({ level: 60, msg: 'down' })).severity).toBe('error');
    expect(formatLogLine(line({ level: 'debug', msg: 'chats.list 2 ms' })).text).toBe('DEBUG chats.list 2 ms');
  });

  it('keeps a line that is not a JSON object as it is', () => {
    for (const raw of ['plain words', '{"level":"info","msg":"cut o', '42', '"text"', '[1,2]', 'null']) {
      expect(formatLogLine(raw)).toEqual({ text: raw, severity: 'other' });
    }
  });

  it('shows an error given as text, and a line with nothing readable as it was', () => {
    expect(formatLogLine(line({ level: 'warn', msg: 'x', err: 'gone' })).text).toBe('WARN  x · gone');
    expect(formatLogLine('{}').text).toBe('{}');
    expect(formatLogLine(line({ level: 'verbose', msg: 'y' })).severity).toBe('other');
  });
});

describe('a tail', () => {
  it('keeps the file’s order and leaves out blank lines', () => {
    const tail = [line({ level: 'info', msg: 'one' }), '', 'two', line({ level: 'error', msg: 'three' }), ''].join(
      '\r\n',
    );
    expect(formatLogTail(tail).map((l) => l.text)).toEqual(['INFO  one', 'two', 'ERROR three']);
    expect(formatLogTail('')).toEqual([]);
  });
});
