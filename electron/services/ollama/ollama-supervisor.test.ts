/**
 * The supervisor against real child processes: the fake `ollama serve` (e2e/support/fake-ollama-serve.mjs),
 * steered by environment variables. POSIX only (the fake is started through its shebang).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs, until } from '../../../e2e/support/services';
import { OllamaSupervisor, type SupervisorOptions, type SupervisorStatus } from './ollama-supervisor';
import { readPidFile, stopOrphan, writePidFile } from './pid-file';
import { OLLAMA_DEFAULT_PORT } from './port';
import { FAKE_SERVE, processRunning, readState, waitGone } from '../../../e2e/support/processes';

const running: OllamaSupervisor[] = [];
const servers: Server[] = [];
const strays: number[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) {
    await s.stop();
    s.close();
  }
  for (const srv of servers.splice(0)) await new Promise((r) => srv.close(r));
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  removeTempDirs();
});

function supervisor(
  fakeEnv: Record<string, string> = {},
  o: Partial<SupervisorOptions> = {},
): { sup: OllamaSupervisor; dir: string; stateFile: string; history: SupervisorStatus[] } {
  const dir = makeTempDir('hearth-sup-');
  const stateFile = join(dir, 'fake-state.json');
  const history: SupervisorStatus[] = [];
  const sup = new OllamaSupervisor({
    exe: FAKE_SERVE,
    dataDir: dir,
    baseEnv: { ...process.env, FAKE_OLLAMA_SERVE_STATE_FILE: stateFile, ...fakeEnv },
    modelsDir: join(dir, 'models'),
    timings: { backoffMs: 50, stopGraceMs: 1000, readyTimeoutMs: 10_000, ...o.timings },
    onChange: (s) => history.push(s),
    ...o,
  });
  running.push(sup);
  return { sup, dir, stateFile, history };
}

/** Hold a loopback port (or fail quietly when something else already holds it). */
function hold(port: number): Promise<void> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve());
    srv.listen(port, '127.0.0.1', () => {
      servers.push(srv);
      resolve();
    });
  });
}

describe.skipIf(process.platform === 'win32')('Ollama supervisor (real child processes)', () => {
  it('starts on a free loopback port other than 11434, is ready when /api/version answers, and says so', async () => {
    await hold(OLLAMA_DEFAULT_PORT);
    const { sup, history, stateFile } = supervisor({ FAKE_OLLAMA_SERVE_VERSION: '0.9.9' });
    const s = await sup.start();
    expect(s).toMatchObject({ state: 'running', version: '0.9.9', error: null });
    expect(s.port).not.toBe(OLLAMA_DEFAULT_PORT);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    const res = await fetch(`${s.url}/`);
    expect(await res.text()).toBe('Ollama is running');
    expect(history.map((h) => h.state)).toEqual(['starting', 'starting', 'running']);
    expect(readState(stateFile)?.env.OLLAMA_HOST).toBe(`127.0.0.1:${s.port}`);
    // The log has the server's own lines.
    expect(sup.logs(50)).toMatch(/Listening on 127\.0\.0\.1:\d+ \(version 0\.9\.9\)/);
  });

  it('waits for a slow server with backoff polling, and is ready as soon as it answers', async () => {
    const { sup } = supervisor({ FAKE_OLLAMA_SERVE_MODE: 'slow-start', FAKE_OLLAMA_SERVE_DELAY_MS: '700' });
    const t0 = Date.now();
    const s = await sup.start();
    const took = Date.now() - t0;
    expect(s.state).toBe('running');
    expect(took).toBeGreaterThanOrEqual(700);
    // Polls back off to at most 500 ms apart, so readiness is seen within that of the answer.
    expect(took).toBeLessThan(700 + 5000);
  });

  it('uses a port the user chose, and says plainly when another program holds it', async () => {
    const taken = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        servers.push(srv);
        resolve((srv.address() as { port: number }).port);
      });
    });
    const { sup } = supervisor({}, { port: taken });
    const s = await sup.start();
    expect(s.state).toBe('error');
    expect(s.error).toMatch(new RegExp(`Port ${taken} \\(HEARTH_OLLAMA_PORT\\) is already used by another program`));
  });

  it('passes the GPU choice, models folder, keep-alive and origins to the server', async () => {
    const { sup, stateFile, dir } = supervisor(
      { CUDA_VISIBLE_DEVICES: '3', OLLAMA_ORIGINS: '*' },
      { gpu: { driver: 'rocm', count: 2 }, keepAlive: '30m' },
    );
    await sup.start();
    const env = readState(stateFile)!.env;
    expect(env).toMatchObject({
      HIP_VISIBLE_DEVICES: '0,1',
      ROCR_VISIBLE_DEVICES: '0,1',
      CUDA_VISIBLE_DEVICES: '-1',
      OLLAMA_MODELS: join(dir, 'models'),
      OLLAMA_KEEP_ALIVE: '30m',
      OLLAMA_ORIGINS: '',
    });
  });

  it('gives up waiting for a server that never answers, with the tail of its log in the error', async () => {
    const { sup, stateFile } = supervisor({ FAKE_OLLAMA_SERVE_MODE: 'hang' }, { timings: { readyTimeoutMs: 1500 } });
    const s = await sup.start();
    expect(s.state).toBe('error');
    expect(s.error).toMatch(/did not answer within 2 s after starting, so Hearth stopped it/);
    expect(s.error).toContain('loading (test mode: never listens)');
    expect(await waitGone(readState(stateFile)!.pid)).toBe(true);
  });

  it('restarts after a crash with exponential backoff, and runs once the crashes stop', async () => {
    const dir = makeTempDir();
    const { sup, history } = supervisor(
      {
        FAKE_OLLAMA_SERVE_MODE: 'crash',
        FAKE_OLLAMA_SERVE_CRASH_TIMES: '2',
        FAKE_OLLAMA_SERVE_COUNTER_FILE: join(dir, 'starts'),
        FAKE_OLLAMA_SERVE_FATAL_LINE: 'ggml_cuda_host_malloc: cudaMalloc failed: out of memory',
      },
      { timings: { backoffMs: 300 } },
    );
    const stamped: { state: string; at: number; error: string | null }[] = [];
    const done = until(() => sup.status().state === 'running', 15_000, 'running after two crashes');
    const watch = setInterval(() => {
      const s = sup.status();
      if (stamped.at(-1)?.state !== s.state) stamped.push({ state: s.state, at: Date.now(), error: s.error });
    }, 5);
    await sup.start();
    await done;
    clearInterval(watch);
    const crashes = history.filter((h) => h.state === 'error');
    expect(crashes).toHaveLength(2);
    expect(crashes[0]!.error).toMatch(
      /Ollama stopped unexpectedly \(it exited with code 1\)\. Ollama ran out of memory/,
    );
    expect(crashes[0]!.error).toMatch(/Restarting in 300 ms \(restart 1 of 4\)/);
    expect(crashes[1]!.error).toMatch(/Restarting in 600 ms \(restart 2 of 4\)/);
    // The waits between a crash and the next start double.
    const gaps: number[] = [];
    for (let i = 0; i < stamped.length - 1; i++) {
      if (stamped[i]!.state === 'error') gaps.push(stamped[i + 1]!.at - stamped[i]!.at);
    }
    expect(gaps).toHaveLength(2);
    expect(gaps[0]).toBeGreaterThanOrEqual(280);
    expect(gaps[1]).toBeGreaterThanOrEqual(580);
    expect(sup.status()).toMatchObject({ state: 'running', restarts: 2, error: null });
  });

  it('gives up after 5 crashes within the window and says so; Restart tries again', async () => {
    const { sup, history } = supervisor({ FAKE_OLLAMA_SERVE_MODE: 'crash' }, { timings: { backoffMs: 20 } });
    await sup.start();
    const s = await until(
      () => (sup.status().error?.includes('stopped restarting') ? sup.status() : null),
      20_000,
      'give up',
    );
    expect(s.state).toBe('error');
    expect(s.restarts).toBe(5);
    expect(s.error).toMatch(
      /Ollama stopped unexpectedly 5 times within 2 minute\(s\), so Hearth stopped restarting it/,
    );
    expect(s.error).toMatch(/Press Restart to try again/);
    expect(history.filter((h) => h.state === 'starting' && h.pid !== null)).toHaveLength(5);
    // No sixth start after giving up.
    await new Promise((r) => setTimeout(r, 300));
    expect(history.filter((h) => h.state === 'starting' && h.pid !== null)).toHaveLength(5);
    // A user's Restart starts counting afresh.
    const again = sup.restart();
    await until(() => sup.status().restarts === 1, 5000, 'a new first crash');
    await sup.stop();
    await again;
  });

  it('a crash of the address-already-in-use kind is explained in plain words', async () => {
    const { sup } = supervisor({ FAKE_OLLAMA_SERVE_MODE: 'bind-error' }, { timings: { backoffMs: 5000 } });
    await sup.start();
    const s = await until(() => (sup.status().state === 'error' ? sup.status() : null), 5000, 'crash');
    expect(s.error).toMatch(/Another program already uses the port Ollama was told to listen on \(\d+\)/);
  });

  it('stops cleanly: SIGTERM, and the server’s own child dies too (process group), no orphans', async () => {
    const { sup, stateFile } = supervisor({ FAKE_OLLAMA_SERVE_MODE: 'spawn-child' });
    await sup.start();
    const st = readState(stateFile)!;
    expect(processRunning(st.pid)).toBe(true);
    expect(processRunning(st.childPid!)).toBe(true);
    const t0 = Date.now();
    await sup.stop();
    expect(Date.now() - t0).toBeLessThan(900); // no SIGKILL grace needed
    expect(sup.status().state).toBe('stopped');
    expect(await waitGone(st.pid, 2000)).toBe(true);
    expect(await waitGone(st.childPid!, 2000)).toBe(true);
    expect(existsSync(sup.pidFile)).toBe(false);
  });

  it('kills a server that ignores SIGTERM after the grace period, with its child', async () => {
    const { sup, stateFile } = supervisor(
      { FAKE_OLLAMA_SERVE_MODE: 'ignore-sigterm,spawn-child' },
      { timings: { stopGraceMs: 400 } },
    );
    await sup.start();
    const st = readState(stateFile)!;
    const t0 = Date.now();
    await sup.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
    expect(await waitGone(st.pid, 2000)).toBe(true);
    expect(await waitGone(st.childPid!, 2000)).toBe(true);
    expect(sup.logs(20)).toContain('received SIGTERM, ignoring it');
  });

  it('reacts at once when the running server dies', async () => {
    const { sup, stateFile } = supervisor({}, { timings: { backoffMs: 5000 } });
    await sup.start();
    const pid = readState(stateFile)!.pid;
    const t0 = Date.now();
    process.kill(pid, 'SIGKILL');
    await until(() => sup.status().state === 'error', 2000, 'error state');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(sup.status().error).toMatch(/was ended by SIGKILL/);
  });

  it('reports a running server that stops answering, and clears it when it answers again', async () => {
    const { sup, stateFile } = supervisor({}, { timings: { probeTimeoutMs: 300 } });
    await sup.start();
    const pid = readState(stateFile)!.pid;
    await sup.checkHealth();
    expect(sup.status().state).toBe('running');
    process.kill(pid, 'SIGSTOP'); // frozen: the port is open but nothing answers
    try {
      await sup.checkHealth();
      expect(sup.status().state).toBe('running'); // one miss may be a busy moment
      await sup.checkHealth();
      const s = sup.status();
      expect(s).toMatchObject({ state: 'error', pid });
      expect(s.url).not.toBeNull();
      expect(s.error).toMatch(/is running but stopped answering at http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await sup.checkHealth();
    expect(sup.status()).toMatchObject({ state: 'running', error: null, pid });
  });

  it('writes a pid file; a left-behind server is stopped, an unrelated process with that pid is not', async () => {
    const { sup, dir, stateFile } = supervisor({ FAKE_OLLAMA_SERVE_MODE: 'spawn-child' });
    await sup.start();
    const rec = readPidFile(sup.pidFile)!;
    const st = readState(stateFile)!;
    expect(rec).toMatchObject({ pid: st.pid, exe: FAKE_SERVE, port: sup.status().port });

    // An orphan: a server started like the supervisor does, which no supervisor owns.
    const orphan = spawn(FAKE_SERVE, ['serve'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, OLLAMA_HOST: '127.0.0.1:0', FAKE_OLLAMA_SERVE_MODE: 'spawn-child' },
    });
    strays.push(orphan.pid!);
    await until(() => processRunning(orphan.pid!), 3000, 'orphan running');
    const pidFile = join(dir, 'orphan.pid');
    writePidFile(pidFile, { pid: orphan.pid!, exe: FAKE_SERVE, startedAt: Date.now(), port: 0 });
    expect((await stopOrphan(pidFile, 1000)).outcome).toBe('stopped');
    expect(await waitGone(orphan.pid!, 2000)).toBe(true);
    expect(existsSync(pidFile)).toBe(false);

    // A pid now used by something else: left alone, the stale file removed.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    strays.push(other.pid!);
    writePidFile(pidFile, { pid: other.pid!, exe: FAKE_SERVE, startedAt: Date.now(), port: 0 });
    expect((await stopOrphan(pidFile, 1000)).outcome).toBe('not-ours');
    expect(processRunning(other.pid!)).toBe(true);
    expect(existsSync(pidFile)).toBe(false);
    expect((await stopOrphan(pidFile, 1000)).outcome).toBe('none');
  });
});
