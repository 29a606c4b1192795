/** The status object from the runtime's parts, and its numbering (a new seq only for a changed status). */
import { describe, expect, it } from 'vitest';
import type { ExternalState } from './external-monitor';
import type { SupervisorStatus } from './ollama-supervisor';
import { projectStatus, StatusVersions, type PrimaryInput, type StatusInput } from './status-projection';

const ext = (o: Partial<ExternalState> = {}): ExternalState => ({
  providerId: 'ollama',
  label: 'Ollama',
  baseUrl: 'http://127.0.0.1:11434',
  state: 'running',
  version: '0.12.6',
  error: null,
  since: 1000,
  seen: true,
  ...o,
});

const sup = (o: Partial<SupervisorStatus> = {}): SupervisorStatus => ({
  state: 'running',
  url: 'http://127.0.0.1:40001',
  port: 40001,
  pid: 4242,
  version: '0.9.0',
  error: null,
  restarts: 1,
  since: 2000,
  ...o,
});

const bundled = { available: true, path: '/opt/ollama', modelsDir: '/models', logFile: '/data/logs/ollama.log' };

function input(primary: PrimaryInput, o: Partial<StatusInput> = {}): StatusInput {
  return { mode: 'auto', primary, extras: [], bundled, ...o };
}

describe('projectStatus', () => {
  it('an external primary is shown as it was last found', () => {
    const s = projectStatus(input({ kind: 'external', server: ext() }));
    expect(s).toEqual({
      mode: 'auto',
      servers: [
        {
          providerId: 'ollama',
          label: 'Ollama',
          kind: 'external',
          state: 'running',
          baseUrl: 'http://127.0.0.1:11434',
          version: '0.12.6',
          error: null,
          pid: null,
          restarts: 0,
          since: 1000,
        },
      ],
      bundled,
    });
  });

  it('the bundled primary is the supervisor’s state, under its own label', () => {
    const p: PrimaryInput = { kind: 'bundled', supervisor: sup(), last: ext(), noExecutable: 'none' };
    expect(projectStatus(input(p, { mode: 'bundled' })).servers[0]).toEqual({
      providerId: 'ollama',
      label: 'Ollama (built in)',
      kind: 'bundled',
      state: 'running',
      baseUrl: 'http://127.0.0.1:40001',
      version: '0.9.0',
      error: null,
      pid: 4242,
      restarts: 1,
      since: 2000,
    });
  });

  it('a bundled primary without an executable (or without a supervisor yet) is unavailable, saying why', () => {
    const last = ext({ since: 5 });
    const noExe = projectStatus({
      ...input({ kind: 'bundled', supervisor: sup(), last, noExecutable: 'No executable here.' }),
      bundled: { ...bundled, available: false, path: null },
    }).servers[0]!;
    expect(noExe).toMatchObject({
      kind: 'bundled',
      state: 'unavailable',
      baseUrl: null,
      error: 'No executable here.',
      pid: null,
      since: 5,
    });
    const noSup = projectStatus(input({ kind: 'bundled', supervisor: null, last, noExecutable: 'x' })).servers[0]!;
    expect(noSup).toMatchObject({ kind: 'bundled', state: 'unavailable', error: 'x' });
  });

  it('no primary yet is starting at the URL looked at; none found is unavailable with the reason', () => {
    const last = ext({ state: 'error', version: '0.1', error: 'old' });
    const looking = projectStatus(input({ kind: 'none', last, unavailable: null })).servers[0]!;
    expect(looking).toMatchObject({
      kind: 'external',
      state: 'starting',
      baseUrl: last.baseUrl,
      version: null,
      error: null,
    });
    const none = projectStatus(input({ kind: 'none', last, unavailable: 'No Ollama was found.' })).servers[0]!;
    expect(none).toMatchObject({ state: 'unavailable', error: 'No Ollama was found.', version: null });
  });

  it('extra servers follow the primary, each as found', () => {
    const extras = [
      ext({ providerId: 'ollama-gpu', label: 'GPU', baseUrl: 'http://gpu:11434' }),
      ext({ providerId: 'ollama-laptop', label: 'Laptop', state: 'error', error: 'Nothing answers', version: null }),
    ];
    const s = projectStatus(input({ kind: 'external', server: ext() }, { extras }));
    expect(s.servers.map((x) => [x.providerId, x.kind, x.state, x.error])).toEqual([
      ['ollama', 'external', 'running', null],
      ['ollama-gpu', 'external', 'running', null],
      ['ollama-laptop', 'external', 'error', 'Nothing answers'],
    ]);
  });
});

describe('StatusVersions', () => {
  const a = projectStatus(input({ kind: 'external', server: ext() }));
  const b = projectStatus(input({ kind: 'external', server: ext({ state: 'error', error: 'gone' }) }));

  it('the first status is seq 0 of its run', () => {
    const v = new StatusVersions(a, 'run-1');
    expect(v.current).toEqual({ ...a, run: 'run-1', seq: 0 });
    expect(new StatusVersions(a).run).not.toBe(new StatusVersions(a).run);
  });

  it('a new seq only when the status changes, one at a time', () => {
    const v = new StatusVersions(a, 'run-1');
    expect(v.offer(structuredClone(a))).toBeNull();
    expect(v.current.seq).toBe(0);
    expect(v.offer(b)).toEqual({ ...b, run: 'run-1', seq: 1 });
    expect(v.offer(b)).toBeNull();
    expect(v.offer(a)).toEqual({ ...a, run: 'run-1', seq: 2 });
    expect(v.current).toEqual({ ...a, run: 'run-1', seq: 2 });
  });
});
