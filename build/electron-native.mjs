#!/usr/bin/env node
/**
 * Prepares the Electron runtime for `npm run dev` and `npm start`:
 *  1. Electron's own binary, when npm skipped its download (npm 11 runs no install script that
 *     package.json "allowScripts" does not allow, and CI sets ELECTRON_SKIP_BINARY_DOWNLOAD).
 *  2. better-sqlite3 built for Electron's ABI, in node_modules/.cache/hearth-electron/, where
 *     electron/main/native-binding.ts loads it. The Node build in node_modules/better-sqlite3/build,
 *     which tests, `serve` and the CLI use, is never touched: the module is copied to a temporary
 *     folder and built there (a prebuilt binary when one downloads, else node-gyp).
 * A stamp file records what the cached build is for, so later runs skip the work.
 * Needs the internet the first time (Electron's headers or a prebuilt binary); exits 1 with one
 * clear message when it cannot finish.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modules = join(root, 'node_modules');
const electronDir = join(modules, 'electron');
const sqliteDir = join(modules, 'better-sqlite3');
const cacheDir = join(modules, '.cache', 'hearth-electron');
const cachedBinding = join(cacheDir, 'better_sqlite3.node');
const stampFile = join(cacheDir, 'stamp.json');
const isWindows = process.platform === 'win32';

const OFFLINE_HELP =
  'It needs the internet once: connect (behind a proxy, set HTTPS_PROXY) and run the command again. ' +
  '`npm run serve` and `npm run dev:serve` run Hearth in a browser without Electron.';
const TOOLCHAIN_HELP =
  'Building from source needs Python 3 and a C++ compiler: on Debian/Ubuntu `apt-get install python3 build-essential`, ' +
  'on macOS `xcode-select --install`, on Windows Visual Studio Build Tools with "Desktop development with C++".';

/** Stack frames and node-gyp's environment report: left out of the failure message. */
const NOISE =
  /^\s+at |^\(node:\d+\)|^\(Use `node|^gyp info|^gyp WARN|^gyp ERR! (stack\s+at|System|command|cwd|node -v|node-gyp -v|not ok|\$npm_)/;

/** Temporary folder to remove on the way out, also when failing. */
let workDir = null;

function fail(message, help, detail = '') {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  const lines = detail
    .split(/\r?\n/)
    .filter((line) => line.trim() && !NOISE.test(line))
    .slice(-10);
  const shown = lines.length ? `\n  ${lines.join('\n  ')}\n\n` : '\n';
  process.stderr.write(`\nhearth: ${message}.\n${shown}${help}\n`);
  process.exit(1);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Runs a command and returns its combined output; `ok` is false on a non-zero exit or a spawn error. */
function run(command, args, options = {}) {
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    shell: isWindows && /\.cmd$/i.test(command),
    ...options,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  return { ok: r.status === 0 && !r.error, output };
}

const NETWORK_ERROR =
  /network connectivity|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|socket hang up|unable to (get|verify)|certificate/i;

/** npm hands its config to scripts as npm_config_*; these would point node-gyp at Node's headers. */
function buildEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|target_arch|devdir|build_from_source)$/i.test(key)) {
      delete env[key];
    }
  }
  return env;
}

// 1. Electron itself -------------------------------------------------------------------------
const electronPkg = readJson(join(electronDir, 'package.json'));
if (!electronPkg) fail('Electron is not installed (node_modules/electron is missing)', 'Run `npm install` first.');
const sqlitePkg = readJson(join(sqliteDir, 'package.json'));
if (!sqlitePkg)
  fail('better-sqlite3 is not installed (node_modules/better-sqlite3 is missing)', 'Run `npm install` first.');

if (!process.env.ELECTRON_OVERRIDE_DIST_PATH && !existsSync(join(electronDir, 'path.txt'))) {
  console.log(`Downloading Electron ${electronPkg.version} (once)…`);
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const r = run(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, env });
  if (!r.ok || !existsSync(join(electronDir, 'path.txt'))) {
    const offline = NETWORK_ERROR.test(r.output);
    fail(
      `could not download Electron ${electronPkg.version}${offline ? ' (no connection to its download server)' : ''}`,
      offline ? OFFLINE_HELP : `${OFFLINE_HELP} If it persists, delete node_modules/electron and run \`npm install\`.`,
      r.output,
    );
  }
}

// 2. better-sqlite3 for Electron's ABI ---------------------------------------------------------
const stamp = {
  electron: electronPkg.version,
  betterSqlite3: sqlitePkg.version,
  platform: process.platform,
  arch: process.arch,
};
const previous = readJson(stampFile);
if (existsSync(cachedBinding) && previous && Object.keys(stamp).every((k) => previous[k] === stamp[k])) {
  process.exit(0);
}

/** node-gyp: the one npm names to scripts, else the project's copy, else npm's bundled one, else npx's. */
function nodeGypCommand() {
  const inNpm = join('npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const candidates = [
    process.env.npm_config_node_gyp,
    (() => {
      try {
        return createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
      } catch {
        return undefined;
      }
    })(),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', inNpm), // Linux, macOS
    join(dirname(process.execPath), 'node_modules', inNpm), // Windows
  ];
  const script = candidates.find((file) => file && existsSync(file));
  if (script) return [process.execPath, [script]];
  return [isWindows ? 'npx.cmd' : 'npx', ['--yes', 'node-gyp']];
}

function prebuildInstallScript() {
  try {
    return createRequire(join(sqliteDir, 'package.json')).resolve('prebuild-install/bin.js');
  } catch {
    return undefined;
  }
}

const what = `Building better-sqlite3 ${sqlitePkg.version} for Electron ${electronPkg.version}`;
console.log(`${what} (once; this can take a minute)…`);
rmSync(stampFile, { force: true });
rmSync(cachedBinding, { force: true });
workDir = mkdtempSync(join(tmpdir(), 'hearth-electron-native-'));
const moduleCopy = join(workDir, 'better-sqlite3');
const built = join(moduleCopy, 'build', 'Release', 'better_sqlite3.node');
const env = buildEnv();
const log = [];
try {
  cpSync(sqliteDir, moduleCopy, {
    recursive: true,
    filter: (src) => {
      const rel = relative(sqliteDir, src);
      return rel !== 'build' && !rel.startsWith(`build${sep}`);
    },
  });

  // Prebuilt binary first (what better-sqlite3's own install does), then a source build.
  const prebuild = prebuildInstallScript();
  if (prebuild) {
    const r = run(
      process.execPath,
      [
        prebuild,
        '--runtime=electron',
        `--target=${electronPkg.version}`,
        `--arch=${process.arch}`,
        `--platform=${process.platform}`,
      ],
      { cwd: moduleCopy, env, timeout: 120_000 },
    );
    log.push(`prebuild-install:\n${r.output.trim()}`);
  }
  if (!existsSync(built)) {
    const [command, prefix] = nodeGypCommand();
    const r = run(
      command,
      [
        ...prefix,
        'rebuild',
        '--release',
        `--target=${electronPkg.version}`,
        `--arch=${process.arch}`,
        '--dist-url=https://electronjs.org/headers',
        '--runtime=electron',
        `--devdir=${join(homedir(), '.electron-gyp')}`,
      ],
      { cwd: moduleCopy, env, timeout: 15 * 60_000 },
    );
    log.push(`node-gyp:\n${r.output.trim()}`);
    if (!r.ok || !existsSync(built)) {
      const offline = NETWORK_ERROR.test(r.output);
      fail(
        offline
          ? `could not build better-sqlite3 for Electron ${electronPkg.version}: ` +
              "neither a prebuilt binary nor Electron's headers (to compile one) could be downloaded"
          : `could not build better-sqlite3 for Electron ${electronPkg.version}: node-gyp failed`,
        offline ? OFFLINE_HELP : `${TOOLCHAIN_HELP} ${OFFLINE_HELP}`,
        log.join('\n'),
      );
    }
  }

  mkdirSync(cacheDir, { recursive: true });
  copyFileSync(built, `${cachedBinding}.tmp`);
  renameSync(`${cachedBinding}.tmp`, cachedBinding);
  writeFileSync(stampFile, JSON.stringify(stamp, null, 2) + '\n');
  console.log(`${what}: done (${relative(root, cachedBinding)}).`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
