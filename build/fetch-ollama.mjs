#!/usr/bin/env node
/**
 * Fetches the official Ollama release for one platform/arch into resources/ollama/<platform>-<arch>/,
 * where electron-builder's extraResources picks it up (see electron-builder.yml), and where
 * `hearth serve` and `npm start` find it too.
 *
 *   node build/fetch-ollama.mjs [--platform linux|darwin|win32] [--arch x64|arm64] [--version v0.x.y] [--force]
 *
 * Defaults: this machine's platform and arch, and PINNED_VERSION below (OLLAMA_VERSION overrides it,
 * --version overrides both). Downloads from GitHub releases (OLLAMA_RELEASE_BASE_URL overrides the
 * base, for mirrors and tests), checks the archive's SHA-256 against the release's sha256sum.txt
 * (a mismatch deletes the download and fails), extracts it and writes hearth-ollama.json. Running it
 * again with the same version does nothing. Plain Node 20, no dependencies; extraction uses the
 * system `tar` (and `unzip` for Windows archives on Linux).
 *
 * Layout after a run (Ollama finds its GPU runners relative to its own executable):
 *   darwin-*   ollama + its libraries beside it
 *   win32-*    ollama.exe + lib/ollama/
 *   linux-*    bin/ollama + lib/ollama/ (Ollama looks in ../lib/ollama), and ./ollama, a two-line
 *              launcher that execs bin/ollama, so every platform has <dir>/ollama[.exe]
 *
 * Exit codes: 0 ready, 1 failure (network, checksum, archive), 2 usage error.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** The Ollama release shipped with Hearth. Update it here (or pass --version / OLLAMA_VERSION). */
export const PINNED_VERSION = 'v0.33.3';
const DEFAULT_BASE_URL = 'https://github.com/ollama/ollama/releases/download';
const MANIFEST = 'hearth-ollama.json';
/** Abort a download that delivers nothing for this long. */
const IDLE_TIMEOUT_MS = Number(process.env.OLLAMA_FETCH_IDLE_TIMEOUT_MS) || 60_000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLATFORMS = ['linux', 'darwin', 'win32'];
const ARCHES = ['x64', 'arm64'];
const GO_ARCH = { x64: 'amd64', arm64: 'arm64' };

class Failure extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

/** Release assets for a target, in order of preference (Linux moved from .tgz to .tar.zst in v0.14). */
export function assetCandidates(platform, arch) {
  const goArch = GO_ARCH[arch];
  if (platform === 'linux') return [`ollama-linux-${goArch}.tar.zst`, `ollama-linux-${goArch}.tgz`];
  if (platform === 'darwin') return ['ollama-darwin.tgz', 'ollama-darwin.tar.zst']; // one universal binary
  return [`ollama-windows-${goArch}.zip`];
}

/** sha256sum.txt lines: "<64 hex>  ./ollama-darwin.tgz" (sha256sum output over the release folder). */
export function parseChecksums(text) {
  const sums = new Map();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+?)\s*$/.exec(line);
    if (!m) continue;
    const name = m[2].replace(/\\/g, '/').split('/').pop();
    if (name) sums.set(name, m[1].toLowerCase());
  }
  return sums;
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function offlineHelp(url, cause) {
  const why = cause?.code ?? cause?.message ?? 'no connection';
  return new Failure(
    `could not reach ${hostOf(url)} (${why}) to download Ollama. ` +
      'Run it again with internet, or set HEARTH_OLLAMA_PATH to use an Ollama you installed.',
  );
}

/** fetch() with a clear message for "offline" and for HTTP errors. */
async function get(url, what, signal) {
  let res;
  try {
    res = await fetch(url, { redirect: 'follow', signal, headers: { 'user-agent': 'hearth-fetch-ollama' } });
  } catch (err) {
    throw offlineHelp(url, err?.cause ?? err);
  }
  if (res.status === 404) {
    throw new Failure(`${what} was not found at ${url} (HTTP 404). Check the version (--version or OLLAMA_VERSION).`);
  }
  if (!res.ok) throw new Failure(`${what}: ${url} answered HTTP ${res.status} ${res.statusText}. Try again later.`);
  return res;
}

/** Streams `url` to `file`, hashing on the way and reporting progress on stderr. Returns the SHA-256. */
async function download(url, file, name) {
  const controller = new AbortController();
  let idle = setTimeout(() => controller.abort(), IDLE_TIMEOUT_MS);
  const kick = () => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(), IDLE_TIMEOUT_MS);
  };
  try {
    const res = await get(url, name, controller.signal);
    const total = Number(res.headers.get('content-length')) || 0;
    const hash = createHash('sha256');
    const out = createWriteStream(file);
    const progress = progressReporter(name, total);
    let received = 0;
    try {
      for await (const chunk of res.body) {
        kick();
        hash.update(chunk);
        received += chunk.length;
        if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
        progress(received);
      }
    } catch (err) {
      out.destroy();
      const why = controller.signal.aborted
        ? `nothing arrived for ${IDLE_TIMEOUT_MS / 1000} s`
        : (err?.cause?.code ?? err?.code ?? err?.message);
      throw new Failure(
        `the download of ${name} from ${hostOf(url)} was interrupted (${why}). ` +
          'Run it again with internet, or set HEARTH_OLLAMA_PATH to use an Ollama you installed.',
      );
    }
    await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
    progress(received, true);
    if (total && received !== total) {
      throw new Failure(
        `the download of ${name} stopped at ${formatBytes(received)} of ${formatBytes(total)}. Run it again.`,
      );
    }
    return hash.digest('hex');
  } finally {
    clearTimeout(idle);
  }
}

function progressReporter(name, total) {
  const tty = process.stderr.isTTY;
  const started = Date.now();
  let lastDecile = -1;
  let lastDraw = 0;
  return (received, done = false) => {
    const pct = total ? Math.floor((received / total) * 100) : null;
    const secs = Math.max((Date.now() - started) / 1000, 0.001);
    const speed = `${formatBytes(Math.round(received / secs))}/s`;
    const line =
      `Downloading ${name}: ${formatBytes(received)}` +
      (total ? ` / ${formatBytes(total)} (${pct}%)` : '') +
      ` ${speed}`;
    if (tty) {
      const now = Date.now();
      if (!done && now - lastDraw < 100) return;
      lastDraw = now;
      process.stderr.write(`\r${line}\x1b[K${done ? '\n' : ''}`);
    } else {
      const decile = pct === null ? Math.floor(received / (50 * 1024 * 1024)) : Math.floor(pct / 10);
      if (done || decile > lastDecile) {
        lastDecile = decile;
        process.stderr.write(`${line}\n`);
      }
    }
  };
}

function tarCommand() {
  if (process.platform === 'win32') {
    // Windows' own bsdtar reads .tgz and .zip; Git's GNU tar earlier on PATH would not read zip.
    const own = join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'tar.exe');
    if (existsSync(own)) return own;
  }
  return 'tar';
}

function run(command, args, what, hint = '') {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error?.code === 'ENOENT') throw new Failure(`${what} needs \`${command}\`, which is not installed. ${hint}`);
  if (r.status !== 0 || r.error) {
    const out = `${r.stderr ?? ''}${r.stdout ?? ''}${r.error ? r.error.message : ''}`.trim().split(/\r?\n/).slice(-5);
    throw new Failure(`${what} failed:\n  ${out.join('\n  ')}${hint ? `\n${hint}` : ''}`);
  }
}

function extract(archive, asset, dir) {
  mkdirSync(dir, { recursive: true });
  const what = `extracting ${asset}`;
  if (asset.endsWith('.zip')) {
    if (process.platform === 'linux') {
      run('unzip', ['-q', '-o', archive, '-d', dir], what, 'On Debian/Ubuntu: apt-get install unzip.');
    } else run(tarCommand(), ['-xf', archive, '-C', dir], what);
  } else {
    // GNU tar and bsdtar detect gzip and zstd themselves (GNU tar runs the `zstd` program for .tar.zst).
    const hint = asset.endsWith('.zst')
      ? 'A .tar.zst archive needs zstd: apt-get install zstd / brew install zstd.'
      : '';
    run(tarCommand(), ['-xf', archive, '-C', dir], what, hint);
  }
}

/** Checks the extracted layout and returns the executable's path relative to `dir`. */
function settleLayout(dir, platform) {
  if (platform === 'win32') {
    if (!existsSync(join(dir, 'ollama.exe'))) throw new Failure('the archive has no ollama.exe at its top level.');
    return 'ollama.exe';
  }
  const top = join(dir, 'ollama');
  const inBin = join(dir, 'bin', 'ollama');
  if (existsSync(inBin) && statSync(inBin).isFile()) {
    chmodSync(inBin, 0o755);
    if (!existsSync(top)) {
      // Ollama looks for lib/ollama next to bin/, so bin/ollama stays where the archive put it.
      writeFileSync(
        top,
        '#!/bin/sh\n# Added by Hearth (build/fetch-ollama.mjs): runs bin/ollama, which finds its GPU runners in lib/ollama.\n' +
          'exec "$(dirname "$0")/bin/ollama" "$@"\n',
      );
    }
    chmodSync(top, 0o755);
    return 'ollama';
  }
  if (existsSync(top) && statSync(top).isFile()) {
    chmodSync(top, 0o755);
    return 'ollama';
  }
  throw new Failure('the archive has neither ollama nor bin/ollama at its top level.');
}

function readManifest(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
  } catch {
    return null;
  }
}

function parseCli(argv, env) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        platform: { type: 'string' },
        arch: { type: 'string' },
        version: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new Failure(err.message, 2);
  }
  if (values.help) return { help: true };
  const platform = values.platform ?? process.platform;
  const arch = values.arch ?? process.arch;
  if (!PLATFORMS.includes(platform)) {
    throw new Failure(`unknown platform "${platform}": use one of ${PLATFORMS.join(', ')}.`, 2);
  }
  if (!ARCHES.includes(arch)) throw new Failure(`unknown arch "${arch}": use one of ${ARCHES.join(', ')}.`, 2);
  let version = (values.version ?? (env.OLLAMA_VERSION?.trim() || PINNED_VERSION)).trim();
  if (!/^v?\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) {
    throw new Failure(`"${version}" is not an Ollama version: use a release tag such as ${PINNED_VERSION}.`, 2);
  }
  if (!version.startsWith('v')) version = `v${version}`;
  const baseUrl = (env.OLLAMA_RELEASE_BASE_URL?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, '');
  const outRoot = values.out ?? join(root, 'resources', 'ollama');
  return { platform, arch, version, baseUrl, outRoot, force: !!values.force };
}

const USAGE = `Usage: node build/fetch-ollama.mjs [--platform linux|darwin|win32] [--arch x64|arm64] [--version ${PINNED_VERSION}] [--force]
Downloads Ollama into resources/ollama/<platform>-<arch>/ for packaging (defaults: this machine, ${PINNED_VERSION}).
Environment: OLLAMA_VERSION (version), OLLAMA_RELEASE_BASE_URL (mirror of ${DEFAULT_BASE_URL}).
`;

export async function main(argv = process.argv.slice(2), env = process.env) {
  const o = parseCli(argv, env);
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const target = `${o.platform}-${o.arch}`;
  const dir = join(o.outRoot, target);
  const shown = relative(process.cwd(), dir) || dir;
  const existing = readManifest(dir);
  if (
    !o.force &&
    existing?.version === o.version &&
    existing.executable &&
    existsSync(join(dir, existing.executable))
  ) {
    process.stdout.write(`Ollama ${o.version} for ${target} is already in ${shown}; nothing to do.\n`);
    return 0;
  }

  const releaseUrl = `${o.baseUrl}/${o.version}`;
  const sumsRes = await get(`${releaseUrl}/sha256sum.txt`, `The checksum list of Ollama ${o.version}`);
  const sums = parseChecksums(await sumsRes.text());
  if (sums.size === 0) throw new Failure(`${releaseUrl}/sha256sum.txt lists no checksums; refusing to continue.`);
  const candidates = assetCandidates(o.platform, o.arch);
  const asset = candidates.find((name) => sums.has(name));
  if (!asset) {
    throw new Failure(
      `Ollama ${o.version} has no archive for ${target} (looked for ${candidates.join(', ')}; ` +
        `the release has ${[...sums.keys()].join(', ')}).`,
    );
  }
  const expected = sums.get(asset);

  mkdirSync(o.outRoot, { recursive: true });
  const tag = `${target}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const archive = join(o.outRoot, `.download-${tag}-${asset}`);
  const staging = join(o.outRoot, `.staging-${tag}`);
  try {
    const actual = await download(`${releaseUrl}/${asset}`, archive, asset);
    if (actual !== expected) {
      rmSync(archive, { force: true });
      throw new Failure(
        `checksum mismatch for ${asset}: sha256sum.txt says ${expected}, the download is ${actual}. ` +
          'The download was deleted; run it again (if it keeps failing, something between you and the server alters it).',
      );
    }
    process.stderr.write(`Checksum OK (${actual.slice(0, 16)}…). Extracting…\n`);
    extract(archive, asset, staging);
    const executable = settleLayout(staging, o.platform);
    const manifest = {
      version: o.version,
      platform: o.platform,
      arch: o.arch,
      asset,
      sha256: actual,
      executable,
      source: `${releaseUrl}/${asset}`,
      fetchedAt: new Date().toISOString(),
    };
    writeFileSync(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    const files = readdirSync(dir).length;
    process.stdout.write(`Ollama ${o.version} for ${target} is ready in ${shown} (${executable}, ${files} entries).\n`);
    return 0;
  } finally {
    rmSync(archive, { force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      const code = err instanceof Failure ? err.code : 1;
      process.stderr.write(`\nfetch-ollama: ${err instanceof Error ? err.message : String(err)}\n`);
      if (code === 2) process.stderr.write(`\n${USAGE}`);
      process.exitCode = code;
    },
  );
}
