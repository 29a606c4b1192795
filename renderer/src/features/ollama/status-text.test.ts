import { describe, expect, it } from 'vitest';
import type { OllamaServerStatus, OllamaStatus } from '../../../../shared/types/domain';
import { describeServer, extrasText, isNewerStatus, shortUrl, sinceText } from './status-text';

const server = (p: Partial<OllamaServerStatus>): OllamaServerStatus => ({
  providerId: 'ollama',
  label: 'Ollama',
  kind: 'external',
  state: 'running',
  baseUrl: 'http://127.0.0.1:11434',
  version: '0.12.6',
  error: null,
  pid: null,
  restarts: 0,
  since: 0,
  ...p,
});

describe('Ollama status in words', () => {
  it('names state, version, kind and address for screen readers', () => {
    expect(describeServer(server({}))).toBe('Ollama running, version 0.12.6, external, http://127.0.0.1:11434');
    expect(describeServer(server({ state: 'unavailable', version: null, baseUrl: null, kind: 'bundled' }))).toBe(
      'Ollama not found, bundled',
    );
  });

  it('counts the extra servers and those that are down', () => {
    expect(extrasText([server({})])).toBe('');
    expect(extrasText([server({}), server({ providerId: 'ollama-gpu' })])).toBe('+1 server');
    expect(extrasText([server({}), server({ providerId: 'a' }), server({ providerId: 'b', state: 'error' })])).toBe(
      '+2 servers, 1 down',
    );
  });

  it('shortens addresses and times', () => {
    expect(shortUrl('http://127.0.0.1:11434/')).toBe('127.0.0.1:11434');
    expect(shortUrl('https://gpu.lan/ollama/')).toBe('gpu.lan/ollama');
    expect(shortUrl(null)).toBe('no address');
    expect(sinceText(0, 30_000)).toBe('just now');
    expect(sinceText(0, 5 * 60_000)).toBe('5 min ago');
  });
});

describe('which status is newer', () => {
  const status = (run: string, seq: number, state: OllamaServerStatus['state']): OllamaStatus => ({
    mode: 'auto',
    servers: [server({ state })],
    bundled: { available: true, path: '/x/ollama', modelsDir: '/m', logFile: '/l' },
    run,
    seq,
  });

  it('drops a late reply that is older than the event already shown', () => {
    const running = status('run-1', 3, 'running');
    expect(isNewerStatus(running, status('run-1', 2, 'starting'))).toBe(false);
    expect(isNewerStatus(running, status('run-1', 3, 'running'))).toBe(true);
    expect(isNewerStatus(running, status('run-1', 4, 'stopped'))).toBe(true);
  });

  it('takes anything first, and anything from a new run of the app', () => {
    expect(isNewerStatus(null, status('run-1', 1, 'starting'))).toBe(true);
    expect(isNewerStatus(status('run-1', 40, 'running'), status('run-2', 1, 'starting'))).toBe(true);
  });
});
