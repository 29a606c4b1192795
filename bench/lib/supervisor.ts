/**
 * Bench: the Ollama supervisor's start → ready and stop → exit, with the test `ollama serve`
 * (e2e/support/fake-ollama-serve.mjs), against a bare baseline measured in the same run and
 * interleaved: the same script spawned with `node`, polled every 5 ms until /api/version answers,
 * then SIGTERM and wait for its exit. The supervisor's side includes what it adds: choosing a free
 * port, the log file, the pid file, its backoff polling, and stopping the whole process group.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OllamaSupervisor } from '../../electron/services/ollama/ollama-supervisor';
import { freePort, makeTempDir, removeTempDir, spawnNode, stop, waitHealthy } from './procs';
import { summarize, type Summary } from './stats';

export interface SupervisorBench {
  runs: number;
  warmups: number;
  supervisor: { startToReady: Summary; stopToExit: Summary; samples: { readyMs: number; stopMs: number }[] };
  baseline: { startToReady: Summary; stopToExit: Summary; samples: { readyMs: number; stopMs: number }[] };
}

async function baselineOnce(fakeServe: string, cwd: string): Promise<{ readyMs: number; stopMs: number }> {
  const port = await freePort();
  const sp = spawnNode([fakeServe, 'serve'], { env: { ...process.env, OLLAMA_HOST: `127.0.0.1:${port}` }, cwd });
  const ready = await waitHealthy(`http://127.0.0.1:${port}/api/version`, sp, 15_000, 5);
  const t1 = performance.now();
  await stop(sp);
  return { readyMs: ready - sp.t0, stopMs: performance.now() - t1 };
}

async function supervisorOnce(fakeServe: string, dataDir: string): Promise<{ readyMs: number; stopMs: number }> {
  const sup = new OllamaSupervisor({
    exe: fakeServe,
    dataDir,
    baseEnv: { ...process.env },
    modelsDir: join(dataDir, 'models'),
    timings: { readyTimeoutMs: 15_000 },
  });
  try {
    const t0 = performance.now();
    const s = await sup.start();
    const readyMs = performance.now() - t0;
    if (s.state !== 'running') throw new Error(`the supervised server did not start: ${s.error}`);
    const t1 = performance.now();
    await sup.stop();
    return { readyMs, stopMs: performance.now() - t1 };
  } finally {
    await sup.stop();
    sup.close();
  }
}

export async function supervisorBench(o: {
  fakeServe: string;
  runs?: number;
  warmups?: number;
}): Promise<SupervisorBench> {
  const runs = o.runs ?? 10;
  const warmups = o.warmups ?? 1;
  const dir = makeTempDir('supervisor');
  const sup: { readyMs: number; stopMs: number }[] = [];
  const base: { readyMs: number; stopMs: number }[] = [];
  try {
    for (let i = 0; i < runs + warmups; i++) {
      const b = await baselineOnce(o.fakeServe, dir);
      const s = await supervisorOnce(o.fakeServe, dir);
      if (i >= warmups) {
        base.push(b);
        sup.push(s);
      }
    }
  } finally {
    removeTempDir(dir);
  }
  const side = (samples: { readyMs: number; stopMs: number }[]) => ({
    startToReady: summarize(samples.map((x) => x.readyMs)),
    stopToExit: summarize(samples.map((x) => x.stopMs)),
    samples,
  });
  return { runs, warmups, supervisor: side(sup), baseline: side(base) };
}
