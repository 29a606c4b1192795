#!/usr/bin/env node
/**
 * `npm run dev:serve`: Hearth in a browser with hot reload, no Electron.
 *  - Vite's dev server serves renderer/ (React fast refresh) on http://127.0.0.1:5173 and proxies
 *    /api (calls and the event WebSocket) and /healthz to a `hearth serve` child.
 *  - The child runs the built CLI (out/main/cli.js) on a free loopback port, with its data in
 *    .hearth-dev/ unless HEARTH_DATA_DIR is set. When files under electron/ or shared/ change, the
 *    app is rebuilt and the child restarted; a failed build keeps the old child running.
 * Options: --port P (Vite's port, default 5173). Ctrl-C stops everything.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, watch } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, parseEnv } from 'node:util';
import react from '@vitejs/plugin-react';
import { createServer } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const { values: flags } = parseArgs({ options: { port: { type: 'string', default: '5173' } } });
const vitePort = Number(flags.port);

const say = (line) => process.stdout.write(`[dev:serve] ${line}\n`);

/** A free loopback port for the serve child. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Runs electron-vite's production build (main, preload, renderer); resolves to whether it succeeded. */
function buildApp() {
  return new Promise((resolve) => {
    const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
    const child = spawn(process.execPath, [cli, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    child.once('error', (err) => {
      say(`build could not start: ${err.message}`);
      resolve(false);
    });
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** The data folder: HEARTH_DATA_DIR from the environment or .env, else .hearth-dev/ in the repo. */
function dataDir() {
  if (process.env.HEARTH_DATA_DIR?.trim()) return process.env.HEARTH_DATA_DIR;
  const dotEnv = join(root, '.env');
  const fromFile = existsSync(dotEnv) ? parseEnv(readFileSync(dotEnv, 'utf8')).HEARTH_DATA_DIR : undefined;
  return fromFile?.trim() ? fromFile : join(root, '.hearth-dev');
}

const servePort = await freePort();
const serveOrigin = `http://${HOST}:${servePort}`;
/** The serve child; null while stopped. */
let serve = null;

/** Starts the serve child; resolves to true once it listens, false when it exits first. */
function startServe() {
  let ready;
  const listening = new Promise((resolve) => (ready = resolve));
  const child = spawn(
    process.execPath,
    [join(root, 'out', 'main', 'cli.js'), 'serve', '--host', HOST, '--port', String(servePort)],
    {
      cwd: root,
      // Loopback only, so no token: the proxy could not present one for the browser.
      env: { ...process.env, HEARTH_DATA_DIR: dataDir(), WEBUI_SECRET_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const prefix = (stream, out) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) {
        if (line.includes(' is serving at ')) ready(true);
        out.write(`[serve] ${line}\n`);
      }
    });
    stream.on('end', () => rest && out.write(`[serve] ${rest}\n`));
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.once('exit', (code, signal) => {
    ready(false);
    if (serve === child) {
      serve = null;
      say(
        `serve stopped (${signal ?? `exit code ${code}`}); it restarts on the next change under electron/ or shared/.`,
      );
    }
  });
  serve = child;
  return listening;
}

function stopServe() {
  const child = serve;
  serve = null;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// Rebuild-and-restart, one at a time; changes during a build queue one more round.
let stopping = false;
let building = false;
let again = false;
async function rebuild(reason) {
  if (stopping) return;
  if (building) {
    again = true;
    return;
  }
  building = true;
  say(`${reason}: rebuilding…`);
  const ok = await buildApp();
  if (stopping) return;
  if (ok) {
    await stopServe();
    if (await startServe()) say('serve restarted.');
  } else {
    say(serve ? 'build failed; the previous serve keeps running.' : 'build failed; fix it and save again.');
  }
  building = false;
  if (again) {
    again = false;
    void rebuild('more changes');
  }
}

let debounce = null;
const watchers = ['electron', 'shared'].map((dir) =>
  watch(join(root, dir), { recursive: true }, (_event, file) => {
    const name = String(file ?? '');
    // Tests don't change the app; editors and sed -i write temporary files first.
    if (/\.(test|spec)\.[cm]?[jt]sx?$|~$|\.sw.$|(^|[\\/])(\.#|sed[A-Za-z0-9]{6}$)/.test(name)) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void rebuild(`${dir}/${name} changed`), 300);
  }),
);

/** Browsers send Origin on POSTs and WebSockets; serve accepts only its own, so the dev page's becomes serve's. */
const pageOrigins = new Set([`http://${HOST}:${vitePort}`, `http://localhost:${vitePort}`]);
function rewriteOrigin(proxyReq, req) {
  if (req.headers.origin && pageOrigins.has(req.headers.origin)) proxyReq.setHeader('Origin', serveOrigin);
}
const proxyTo = (ws) => ({
  target: serveOrigin,
  changeOrigin: true,
  ws,
  configure(proxy) {
    proxy.on('proxyReq', rewriteOrigin);
    if (ws) proxy.on('proxyReqWs', rewriteOrigin);
  },
});

say('building the app once…');
if (!(await buildApp())) {
  say('build failed; fix it and run `npm run dev:serve` again.');
  process.exit(1);
}
if (!(await startServe())) {
  say('serve did not start; see its messages above.');
  process.exit(1);
}

const vite = await createServer({
  configFile: false,
  root: join(root, 'renderer'),
  plugins: [react()],
  clearScreen: false,
  server: {
    host: HOST,
    port: vitePort,
    strictPort: true,
    proxy: { '/api': proxyTo(true), '/healthz': proxyTo(false) },
  },
});
try {
  await vite.listen();
} catch (err) {
  say(`Vite could not start: ${err.message}${err.code === 'EADDRINUSE' ? ` (use --port to pick another)` : ''}`);
  await stopServe();
  process.exit(1);
}
say(
  `open ${vite.resolvedUrls?.local[0] ?? `http://${HOST}:${vitePort}/`}  (renderer hot-reloads; electron/ and shared/ changes restart serve)`,
);

async function shutdown() {
  if (stopping) return;
  stopping = true;
  clearTimeout(debounce);
  for (const w of watchers) w.close();
  await Promise.allSettled([vite.close(), stopServe()]);
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGHUP', shutdown);
