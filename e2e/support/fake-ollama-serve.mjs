#!/usr/bin/env node
/**
 * A stand-in for `ollama serve` for the supervisor's tests and bench: it reads OLLAMA_HOST, answers
 * `GET /` ("Ollama is running"), `/api/version`, `/api/tags` and `/api/ps`, and prints log lines the
 * way Ollama does. Tests steer it with environment variables:
 *
 *   FAKE_OLLAMA_SERVE_MODE   comma-separated: crash (exit 1 at once), crash-after-ms (serve, then
 *                            exit 1 after FAKE_OLLAMA_SERVE_CRASH_MS), hang (never listen),
 *                            bind-error (print Ollama's "address already in use" and exit 1),
 *                            slow-start (listen after FAKE_OLLAMA_SERVE_DELAY_MS),
 *                            ignore-sigterm, spawn-child (start a child process that never exits)
 *   FAKE_OLLAMA_SERVE_CRASH_TIMES  with crash: only the first N starts crash (needs COUNTER_FILE)
 *   FAKE_OLLAMA_SERVE_COUNTER_FILE a file counting starts
 *   FAKE_OLLAMA_SERVE_FATAL_LINE   printed to stderr before a crash (default: a Go panic line)
 *   FAKE_OLLAMA_SERVE_STATE_FILE   where it writes {pid, childPid, env} once started
 *   FAKE_OLLAMA_SERVE_VERSION      the version /api/version reports
 *   FAKE_OLLAMA_SERVE_MODELS       comma-separated model names for /api/tags
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const env = process.env;
const modes = new Set(
  (env.FAKE_OLLAMA_SERVE_MODE ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean),
);
const version = env.FAKE_OLLAMA_SERVE_VERSION || '0.9.0-fake';
const models = (env.FAKE_OLLAMA_SERVE_MODELS ?? '')
  .split(',')
  .map((m) => m.trim())
  .filter(Boolean);

function log(level, msg, to = process.stderr) {
  to.write(`time=${new Date().toISOString()} level=${level} source=routes.go:1234 msg="${msg}"\n`);
}

/** OLLAMA_HOST as Ollama reads it: host[:port], optionally with a scheme; default 127.0.0.1:11434. */
function parseHost(raw) {
  let s = (raw || '127.0.0.1:11434').trim().replace(/^https?:\/\//, '');
  s = s.replace(/\/.*$/, '');
  const i = s.lastIndexOf(':');
  if (i < 0) return { host: s || '127.0.0.1', port: 11434 };
  const port = Number(s.slice(i + 1));
  return { host: s.slice(0, i) || '127.0.0.1', port: s.slice(i + 1) && Number.isInteger(port) ? port : 11434 };
}

let starts = 1;
if (env.FAKE_OLLAMA_SERVE_COUNTER_FILE) {
  const f = env.FAKE_OLLAMA_SERVE_COUNTER_FILE;
  starts = (existsSync(f) ? Number(readFileSync(f, 'utf8')) || 0 : 0) + 1;
  writeFileSync(f, String(starts));
}

if (process.argv[2] !== 'serve') {
  process.stderr.write(`fake ollama: only "serve" is supported, got ${process.argv.slice(2).join(' ')}\n`);
  process.exit(2);
}

const { host, port } = parseHost(env.OLLAMA_HOST);
log(
  'INFO',
  `server config env="map[CUDA_VISIBLE_DEVICES:${env.CUDA_VISIBLE_DEVICES ?? ''} HIP_VISIBLE_DEVICES:${env.HIP_VISIBLE_DEVICES ?? ''} OLLAMA_HOST:http://${host}:${port} OLLAMA_KEEP_ALIVE:${env.OLLAMA_KEEP_ALIVE ?? ''} OLLAMA_MODELS:${env.OLLAMA_MODELS ?? ''} OLLAMA_ORIGINS:${env.OLLAMA_ORIGINS ?? ''}]"`,
);

let childPid = null;
if (modes.has('spawn-child')) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  childPid = child.pid;
}

if (modes.has('ignore-sigterm')) {
  process.on('SIGTERM', () => log('WARN', 'received SIGTERM, ignoring it (test mode)'));
} else {
  process.on('SIGTERM', () => {
    log('INFO', 'shutting down');
    process.exit(0);
  });
}

function writeState() {
  if (!env.FAKE_OLLAMA_SERVE_STATE_FILE) return;
  const seen = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^(OLLAMA_|CUDA_|HIP_|ROCR_|GGML_)/.test(k)) seen[k] = v;
  }
  writeFileSync(env.FAKE_OLLAMA_SERVE_STATE_FILE, JSON.stringify({ pid: process.pid, childPid, starts, env: seen }));
}

const crashTimes = env.FAKE_OLLAMA_SERVE_CRASH_TIMES ? Number(env.FAKE_OLLAMA_SERVE_CRASH_TIMES) : Infinity;
if (modes.has('crash') && starts <= crashTimes) {
  writeState();
  process.stderr.write(`${env.FAKE_OLLAMA_SERVE_FATAL_LINE || 'panic: runtime error: invalid memory address'}\n`);
  process.exit(1);
}
if (modes.has('bind-error')) {
  writeState();
  process.stderr.write(`Error: listen tcp ${host}:${port}: bind: address already in use\n`);
  process.exit(1);
}
if (modes.has('hang')) {
  writeState();
  log('INFO', 'loading (test mode: never listens)');
  setInterval(() => {}, 1000);
} else {
  const delay = modes.has('slow-start') ? Number(env.FAKE_OLLAMA_SERVE_DELAY_MS || 1000) : 0;
  setTimeout(listen, delay);
}

function listen() {
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const json = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    process.stdout.write(`[GIN] ${new Date().toISOString()} | 200 | ${req.method} "${url}"\n`);
    if (req.method === 'GET' && url === '/') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Ollama is running');
    } else if (req.method === 'GET' && url === '/api/version') json(200, { version });
    else if (req.method === 'GET' && url === '/api/tags')
      json(200, {
        models: models.map((name) => ({
          name,
          model: name,
          modified_at: '2025-01-01T00:00:00Z',
          size: 1_000_000_000,
          digest: 'sha256:' + '0'.repeat(64),
          details: { format: 'gguf', family: 'llama', parameter_size: '1B', quantization_level: 'Q4_K_M' },
        })),
      });
    else if (req.method === 'GET' && url === '/api/ps') json(200, { models: [] });
    else json(404, { error: `path "${url}" not found` });
  });
  server.once('error', (err) => {
    if (err.code === 'EADDRINUSE')
      process.stderr.write(`Error: listen tcp ${host}:${port}: bind: address already in use\n`);
    else process.stderr.write(`Error: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    log('INFO', `Listening on ${host}:${port} (version ${version})`);
    writeState();
    if (modes.has('crash-after-ms')) {
      setTimeout(
        () => {
          process.stderr.write(`${env.FAKE_OLLAMA_SERVE_FATAL_LINE || 'panic: runtime error: index out of range'}\n`);
          process.exit(1);
        },
        Number(env.FAKE_OLLAMA_SERVE_CRASH_MS || 200),
      );
    }
  });
}
