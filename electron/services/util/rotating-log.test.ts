import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../../../e2e/support/services';
import { RotatingLog, tailLog } from './rotating-log';

afterEach(() => removeTempDirs());

describe('rotating log', () => {
  it('rotates by size, keeps the configured number of files, and tails across the newest two', () => {
    const file = join(makeTempDir(), 'ollama.log');
    const log = new RotatingLog(file, { maxBytes: 1000, files: 3 });
    for (let i = 0; i < 100; i++) log.write(`line ${String(i).padStart(3, '0')} ${'x'.repeat(40)}\n`);
    log.close();
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    for (const f of [file, `${file}.1`, `${file}.2`]) expect(statSync(f).size).toBeLessThanOrEqual(1000);
    // Nothing is lost within what is kept: the newest lines are in order, across files.
    expect(readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)).toMatch(/^line 099 /);
    const tail = tailLog(file, 30).split('\n');
    expect(tail).toHaveLength(30);
    expect(tail.map((l) => Number(l.slice(5, 8)))).toEqual(Array.from({ length: 30 }, (_, i) => 70 + i));
  });

  it('appends to an existing file after a restart and tails a missing file as empty', () => {
    const dir = makeTempDir();
    const file = join(dir, 'ollama.log');
    expect(tailLog(file, 10)).toBe('');
    const first = new RotatingLog(file);
    first.write('first\n');
    first.close();
    const again = new RotatingLog(file);
    again.write('second\n');
    again.close();
    expect(tailLog(file, 10)).toBe('first\nsecond');
  });

  it('never throws when the log cannot be written', () => {
    const file = join(makeTempDir(), 'missing-folder', 'ollama.log');
    const log = new RotatingLog(file);
    expect(() => log.write('lost\n')).not.toThrow();
    expect(log.failed?.message).toMatch(/ENOENT/);
    log.close();
  });
});
