/**
 * build/fetch-ollama.mjs against a fake GitHub release on 127.0.0.1: real .tgz and .zip archives,
 * a sha256sum.txt shaped like Ollama's, the script run as a child process (exit codes, messages).
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = join(__dirname, 'fetch-ollama.mjs');
const VERSION = 'v0.0.1';

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip with stored (uncompressed) entries, as unzip and bsdtar read it. */
function makeZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Windows' own bsdtar (Git's GNU tar, when first on PATH, reads "C:" as a remote host). */
const TAR = process.platform === 'win32' ? join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'tar.exe') : 'tar';

/** An archive laid out like ollama-linux-<arch>.tgz / .tar.zst: bin/ollama and lib/ollama/. */
function makeLinuxArchive(work: string, name: string, compress: string[]): Buffer {
  const src = join(work, 'linux-src');
  mkdirSync(join(src, 'bin'), { recursive: true });
  mkdirSync(join(src, 'lib', 'ollama'), { recursive: true });
  // Like Ollama, it looks for its runners in ../lib/ollama relative to its own location.
  writeFileSync(
    join(src, 'bin', 'ollama'),
    '#!/bin/sh\nhere="$(dirname "$0")"\n[ -f "$here/../lib/ollama/libggml-base.so" ] || { echo "no runners" >&2; exit 3; }\necho "ollama version is 0.0.1"\n',
  );
  chmodSync(join(src, 'bin', 'ollama'), 0o755);
  writeFileSync(join(src, 'lib', 'ollama', 'libggml-base.so'), 'not really a library');
  const file = join(work, name);
  const r = spawnSync(TAR, [...compress, '-cf', file, '-C', src, 'bin', 'lib']);
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
  return readFileSync(file);
}

interface FakeRelease {
  server: Server;
  baseUrl: string;
  assets: Map<string, Buffer>;
  sums: Map<string, string>;
  requests: string[];
  /** Send only this many bytes of an asset, then drop the connection (null: send it whole). */
  cutAfter: number | null;
}

async function startRelease(assets: Map<string, Buffer>): Promise<FakeRelease> {
  const sums = new Map([...assets].map(([name, data]) => [name, sha256(data)]));
  const requests: string[] = [];
  const fake: FakeRelease = { server: null!, baseUrl: '', assets, sums, requests, cutAfter: null };
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(url);
    const [, version, name] = url.split('/');
    if (version !== VERSION) return void res.writeHead(404).end('Not Found');
    if (name === 'sha256sum.txt') {
      // `find . -type f | xargs sha256sum` in Ollama's release job: "<hash>  ./<asset>"
      return void res.end([...sums].map(([n, h]) => `${h}  ./${n}`).join('\n') + '\n');
    }
    const data = name ? assets.get(name) : undefined;
    if (!data) return void res.writeHead(404).end('Not Found');
    res.writeHead(200, { 'content-length': data.length, 'content-type': 'application/octet-stream' });
    if (fake.cutAfter !== null) {
      // The connection drops part-way, as on a flaky network.
      res.write(data.subarray(0, fake.cutAfter));
      return void setTimeout(() => res.socket?.destroy(), 50);
    }
    res.end(data);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  fake.server = server;
  fake.baseUrl = `http://127.0.0.1:${port}`;
  return fake;
}

function runScript(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args],
      { env: { ...process.env, OLLAMA_VERSION: '', ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const hasUnzip = process.platform !== 'linux' || spawnSync('unzip', ['-v']).status === 0;
/** GNU tar runs the zstd program for .tar.zst (Ollama's Linux format since v0.14). */
const hasZstd = process.platform === 'linux' && spawnSync('zstd', ['--version']).status === 0;

describe('build/fetch-ollama.mjs', () => {
  let work: string;
  let release: FakeRelease;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'hearth-fetch-ollama-'));
    const assets = new Map<string, Buffer>([
      ['ollama-linux-amd64.tgz', makeLinuxArchive(work, 'ollama-linux-amd64.tgz', ['-z'])],
      ...(hasZstd
        ? ([['ollama-linux-arm64.tar.zst', makeLinuxArchive(work, 'ollama-linux-arm64.tar.zst', ['--zstd'])]] as const)
        : []),
      [
        'ollama-windows-amd64.zip',
        makeZip({ 'ollama.exe': 'MZ fake', 'lib/ollama/ggml-base.dll': 'fake dll', 'lib/ollama/cuda_v12/x.dll': 'x' }),
      ],
    ]);
    release = await startRelease(assets);
  });

  afterAll(async () => {
    await new Promise((r) => release.server.close(r));
    rmSync(work, { recursive: true, force: true });
  });

  function outDir(name: string): string {
    return join(work, name);
  }

  it('downloads, verifies and extracts a Linux release; a second run does nothing', async () => {
    const out = outDir('out-linux');
    const env = { OLLAMA_RELEASE_BASE_URL: release.baseUrl };
    const args = ['--platform', 'linux', '--arch', 'x64', '--version', VERSION, '--out', out];
    const r = await runScript(args, env);
    expect(r.stderr).toContain('Downloading ollama-linux-amd64.tgz');
    expect(r.stderr).toMatch(/\(100%\)/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Ollama ${VERSION} for linux-x64 is ready`);

    const dir = join(out, 'linux-x64');
    expect(existsSync(join(dir, 'bin', 'ollama'))).toBe(true);
    expect(existsSync(join(dir, 'lib', 'ollama', 'libggml-base.so'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'hearth-ollama.json'), 'utf8'));
    expect(manifest).toMatchObject({
      version: VERSION,
      platform: 'linux',
      arch: 'x64',
      asset: 'ollama-linux-amd64.tgz',
      sha256: release.sums.get('ollama-linux-amd64.tgz'),
      executable: 'ollama',
    });
    // Nothing left over beside the target folder.
    expect(readdirSync(out)).toEqual(['linux-x64']);
    if (process.platform !== 'win32') {
      // <dir>/ollama launches bin/ollama, which finds its runners in ../lib/ollama.
      const v = spawnSync(join(dir, 'ollama'), ['--version'], { encoding: 'utf8' });
      expect(v.stderr).toBe('');
      expect(v.stdout.trim()).toBe('ollama version is 0.0.1');
    }

    const before = release.requests.length;
    const again = await runScript(args, env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already in');
    expect(release.requests.length).toBe(before); // not even the checksum list
  });

  it.skipIf(!hasUnzip)('extracts a Windows .zip with ollama.exe and lib/ollama', async () => {
    const out = outDir('out-win');
    const r = await runScript(['--platform', 'win32', '--arch', 'x64', '--version', '0.0.1', '--out', out], {
      OLLAMA_RELEASE_BASE_URL: release.baseUrl,
    });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(out, 'win32-x64');
    expect(readFileSync(join(dir, 'ollama.exe'), 'utf8')).toBe('MZ fake');
    expect(existsSync(join(dir, 'lib', 'ollama', 'cuda_v12', 'x.dll'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'hearth-ollama.json'), 'utf8')).executable).toBe('ollama.exe');
  });

  it('refuses an archive whose SHA-256 does not match sha256sum.txt and deletes the download', async () => {
    const out = outDir('out-tampered');
    release.sums.set('ollama-linux-amd64.tgz', 'f'.repeat(64));
    try {
      const r = await runScript(['--platform', 'linux', '--arch', 'x64', '--version', VERSION, '--out', out], {
        OLLAMA_RELEASE_BASE_URL: release.baseUrl,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('checksum mismatch for ollama-linux-amd64.tgz');
      expect(r.stderr).toContain('The download was deleted');
      expect(readdirSync(out)).toEqual([]); // no archive, no half-extracted folder
    } finally {
      release.sums.set('ollama-linux-amd64.tgz', sha256(release.assets.get('ollama-linux-amd64.tgz')!));
    }
  });

  it('deletes a download cut off part-way and says to run it again', async () => {
    const out = outDir('out-cut');
    release.cutAfter = 100;
    try {
      const r = await runScript(['--platform', 'linux', '--arch', 'x64', '--version', VERSION, '--out', out], {
        OLLAMA_RELEASE_BASE_URL: release.baseUrl,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the download of ollama-linux-amd64.tgz .*(was interrupted|stopped at)/);
      expect(r.stderr).toMatch(/Run it again/);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      release.cutAfter = null;
    }
  });

  it('says what to do when the release server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const out = outDir('out-offline');
    const r = await runScript(['--platform', 'linux', '--arch', 'arm64', '--out', out], {
      OLLAMA_RELEASE_BASE_URL: `http://127.0.0.1:${port}/ollama/releases/download`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`could not reach 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(r.stderr).toContain('Run it again with internet, or set HEARTH_OLLAMA_PATH to use an Ollama you installed');
    expect(existsSync(join(out, 'linux-arm64'))).toBe(false);
  });

  it('rejects an unknown platform or arch with a usage error', async () => {
    const r = await runScript(['--platform', 'freebsd'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown platform "freebsd": use one of linux, darwin, win32');
    const a = await runScript(['--platform', 'linux', '--arch', 'ia32'], {});
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown arch "ia32"');
  });

  it('names the missing release when the version does not exist', async () => {
    const r = await runScript(['--platform', 'linux', '--version', 'v9.9.9', '--out', outDir('out-missing')], {
      OLLAMA_RELEASE_BASE_URL: release.baseUrl,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `The checksum list of Ollama v9.9.9 was not found at ${release.baseUrl}/v9.9.9/sha256sum.txt`,
    );
  });

  it.skipIf(!hasZstd)('prefers the .tar.zst archive recent Linux releases publish', async () => {
    const out = outDir('out-zst');
    const r = await runScript(['--platform', 'linux', '--arch', 'arm64', '--version', VERSION, '--out', out], {
      OLLAMA_RELEASE_BASE_URL: release.baseUrl,
    });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(out, 'linux-arm64');
    expect(JSON.parse(readFileSync(join(dir, 'hearth-ollama.json'), 'utf8')).asset).toBe('ollama-linux-arm64.tar.zst');
    expect(existsSync(join(dir, 'lib', 'ollama', 'libggml-base.so'))).toBe(true);
    const v = spawnSync(join(dir, 'ollama'), ['--version'], { encoding: 'utf8' });
    expect(v.stdout.trim()).toBe('ollama version is 0.0.1');
  });

  it('says so when the release has no archive for the platform', async () => {
    const r = await runScript(['--platform', 'darwin', '--arch', 'arm64', '--version', VERSION, '--out', outDir('x')], {
      OLLAMA_RELEASE_BASE_URL: release.baseUrl,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has no archive for darwin-arm64');
    expect(r.stderr).toContain('looked for ollama-darwin.tgz, ollama-darwin.tar.zst');
  });
});
