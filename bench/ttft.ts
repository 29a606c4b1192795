/**
 * Only the time-to-first-token part of `npm run bench` (Hearth's added time over calling the test
 * Ollama directly, serve path), for working on it: `npm run build` first, then `npx tsx bench/ttft.ts`.
 * Env: TTFT_RUNS (30), TTFT_CPUPROF (a folder: serve runs with --cpu-prof into it), TTFT_NODE_ARGS
 * (more node options for serve), TTFT_FAKE_IN_PROCESS=1 (the test Ollama in this process, as before
 * issue 15; by default it runs in its own, as in `npm run bench`). Prints JSON.
 */
import { join, resolve } from 'node:path';
import { startFakeOllama } from '../e2e/support/fake-ollama';
import { cleanup, freePort, makeTempDir, removeTempDir, spawnNode, stop, waitHealthy } from './lib/procs';
import { summarize } from './lib/stats';
import { HearthEvents, closeAgent, directOnce, hearthOnce, startFakeOllamaProcess } from './lib/ttft';

const CLI = join(resolve(__dirname, '..'), 'out', 'main', 'cli.js');
const MODEL = 'llama3.2:1b';

async function main(): Promise<void> {
  const runs = Number(process.env.TTFT_RUNS ?? 30);
  const inProcess = process.env.TTFT_FAKE_IN_PROCESS === '1';
  const fake = inProcess ? await startFakeOllama() : null;
  if (fake) fake.behavior.tokenDelayMs = 2;
  const child = inProcess ? null : await startFakeOllamaProcess(2);
  const fakeUrl = fake?.url ?? child!.url;
  const dataDir = makeTempDir('ttft');
  const port = await freePort();
  const prof = process.env.TTFT_CPUPROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.TTFT_CPUPROF)}`] : [];
  const extra = process.env.TTFT_NODE_ARGS ? process.env.TTFT_NODE_ARGS.split(' ') : [];
  const sp = spawnNode([...prof, ...extra, CLI, 'serve', '--port', String(port), '--data-dir', dataDir], {
    env: { NODE_ENV: 'production', PATH: process.env.PATH, HOME: process.env.HOME, OLLAMA_BASE_URL: fakeUrl },
    cwd: dataDir,
  });
  const direct: number[] = [];
  const hearth: number[] = [];
  try {
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, sp);
    const events = await HearthEvents.connect(`ws://127.0.0.1:${port}`);
    for (let i = 0; i < 3 + runs; i++) {
      const d = await directOnce(fakeUrl, MODEL);
      const h = await hearthOnce(`http://127.0.0.1:${port}`, events, `ollama/${MODEL}`);
      if (i >= 3) {
        direct.push(d);
        hearth.push(h);
      }
    }
    await events.close();
  } finally {
    await stop(sp);
    await fake?.close();
    if (child) await stop(child.sp);
    closeAgent();
    removeTempDir(dataDir);
    await cleanup();
  }
  const h = summarize(hearth);
  const d = summarize(direct);
  process.stdout.write(
    JSON.stringify({ hearth: h, direct: d, overhead: { p50: h.p50 - d.p50, p95: h.p95 - d.p95 } }, null, 2) + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
