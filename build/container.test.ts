/**
 * The container files, checked without Docker: the Dockerfile (stages, production dependencies,
 * non-root user, /data volume, port, health check, a command the CLI accepts), .dockerignore,
 * compose.yaml and compose.gpu.yaml (ports, volumes, health checks, depends_on, and only
 * environment variables Hearth really reads), and the workflow that builds the image on GitHub.
 * build/container-smoke.test.ts then runs the image's command and environment under Node.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeTempDir, removeTempDirs } from '../e2e/support/services';
import { runCli } from '../electron/serve/cli';
import { isLoopbackHost } from '../electron/serve/auth';
import { resolveConfig, resolveDataDir } from '../electron/services/config/config';
import { parseSyncUrl } from '../electron/services/sync/connection';
import {
  ROOT,
  all,
  copiesFrom,
  execForm,
  healthcheck,
  ignored,
  interpolate,
  interpolateTree,
  parseDockerignore,
  readDockerfile,
  stageEnv,
  symlinks,
  toHost,
  workdir,
  type Stage,
} from './container-spec';

afterEach(() => removeTempDirs());

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: { hearth: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const stages = readDockerfile();
const runtime = stages.at(-1)!;
const build = stages[0]!;
const imageEnv = stageEnv(runtime);
const runs = (stage: Stage) => all(stage, 'RUN').map((r) => r.args);
const cmd = execForm(all(runtime, 'CMD').at(-1)?.args ?? '') ?? [];

/** Hearth's own code (not tests): what it reads from the environment, by name. */
function envNamesHearthReads(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx|cjs|mjs)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/\benv\??\.([A-Z][A-Z0-9_]*)\b|\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g)) {
          names.add((m[1] ?? m[2])!);
        }
      }
    }
  };
  for (const dir of ['electron', 'shared']) walk(join(ROOT, dir));
  return names;
}

describe('Dockerfile', () => {
  it('builds in stages on Node 20 (Debian bookworm, slim), the runtime stage from the same base', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.from).toBe('node:20-bookworm-slim');
    expect(build.name).toBeTruthy();
    // package.json's engines: the image's Node must be one Hearth supports.
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node).toBe('>=20.12');
  });

  it('compiles better-sqlite3 in the build stage, with the tools node-gyp needs', () => {
    const apt = runs(build).find((r) => r.includes('apt-get install'));
    for (const tool of ['python3', 'make', 'g++'])
      expect(apt).toMatch(new RegExp(`\\s${tool.replace('+', '\\+')}(\\s|$)`));
    expect(runs(build).some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    // npm ci with --ignore-scripts skips every install script, so better-sqlite3's is run on purpose.
    const ci = runs(build).find((r) => /\bnpm ci\b/.test(r))!;
    if (ci.includes('--ignore-scripts')) expect(ci).toMatch(/npm rebuild better-sqlite3/);
    expect(stageEnv(build).ELECTRON_SKIP_BINARY_DOWNLOAD).toBe('1');
  });

  it('builds the app, then keeps production dependencies only (no Electron)', () => {
    const steps = runs(build);
    const at = (re: RegExp) => steps.findIndex((r) => re.test(r));
    expect(at(/\bnpm run build\b/)).toBeGreaterThan(at(/\bnpm ci\b/));
    expect(at(/\bnpm prune --omit=dev\b/)).toBeGreaterThan(at(/\bnpm run build\b/));
    // `serve` never loads Electron: it is a devDependency, so the prune drops it (and its binary).
    expect(pkg.dependencies.electron).toBeUndefined();
    expect(pkg.devDependencies.electron).toBeDefined();
    const builtCli = join(ROOT, 'out/main/cli.js');
    if (existsSync(builtCli)) expect(readFileSync(builtCli, 'utf8')).not.toMatch(/require\(["']electron["']\)/);
  });

  it('ships the built CLI, the UI, the launcher and node_modules from the build stage, nothing from the host', () => {
    const copies = copiesFrom(runtime, build.name!);
    const app = workdir(runtime);
    const shipped = [...copies.keys()];
    // What electron/serve/cli-entry.ts needs at run time: out/main (cli.js, its chunks, the import
    // worker), out/renderer (the static UI, found as ../renderer beside cli.js), the bin launcher.
    expect(shipped).toEqual(
      expect.arrayContaining([
        `${app}/node_modules`,
        `${app}/out/main`,
        `${app}/out/renderer`,
        `${app}/${pkg.bin.hearth}`,
      ]),
    );
    expect(copies.get(`${app}/${pkg.bin.hearth}`)).toBe(`${app}/${pkg.bin.hearth}`);
    // The runtime stage copies nothing from the build context itself.
    expect(all(runtime, 'COPY').filter((c) => !c.args.includes('--from='))).toEqual([]);
    expect(all(runtime, 'ADD')).toEqual([]);
    // No compilers in the image that runs.
    expect(runs(runtime).join('\n')).not.toMatch(/apt-get install|g\+\+|\bmake\b/);
  });

  it('runs as a user of its own, not root', () => {
    const user = all(runtime, 'USER').at(-1)?.args.trim().split(':')[0];
    expect(user).toBeTruthy();
    expect(['root', '0']).not.toContain(user);
    // …created in this stage (or the base image's "node").
    if (user !== 'node') expect(runs(runtime).join('\n')).toMatch(new RegExp(`useradd\\b[^\\n]*\\s${user}(\\s|$)`));
    // USER comes before CMD, so the command runs as that user (a later USER root would undo it).
    const order = runtime.instructions.map((i) => i.keyword);
    expect(order.lastIndexOf('USER')).toBeLessThan(order.lastIndexOf('CMD'));
  });

  it('keeps data in the /data volume, owned by that user', () => {
    expect(imageEnv.HEARTH_DATA_DIR).toBe('/data');
    // Hearth's own rule: HEARTH_DATA_DIR wins over the OS default.
    expect(resolveDataDir(undefined, imageEnv)).toBe('/data');
    const volumes = all(runtime, 'VOLUME').flatMap((v) => execForm(v.args) ?? v.args.trim().split(/\s+/));
    expect(volumes).toContain('/data');
    const user = all(runtime, 'USER').at(-1)!.args.trim().split(':')[0];
    expect(runs(runtime).join('\n')).toMatch(new RegExp(`chown (-R )?${user}(:\\S+)? /data\\b`));
    // Created before VOLUME: a new named volume takes the folder's owner and mode from the image.
    const order = runtime.instructions.map((i) => i.keyword);
    const chownAt = runtime.instructions.findIndex((i) => i.keyword === 'RUN' && /chown[^\n]*\/data/.test(i.args));
    expect(chownAt).toBeLessThan(order.indexOf('VOLUME'));
  });

  it('exposes the port serve listens on with the image environment', () => {
    const exposed = all(runtime, 'EXPOSE').flatMap((e) => e.args.trim().split(/\s+/));
    expect(exposed).toEqual(['3000']);
    // Hearth's own configuration rules decide the port from the image's environment.
    expect(resolveConfig({}, imageEnv, {}).port.value).toBe(3000);
    // No secret baked into the image: the key comes from whoever runs it.
    expect(imageEnv.WEBUI_SECRET_KEY).toBeUndefined();
    expect(all(runtime, 'ARG').filter((a) => /SECRET|KEY|PASSWORD/i.test(a.args))).toEqual([]);
  });

  it("runs the `hearth` command from package.json's bin, in exec form, on every interface", () => {
    expect(cmd.length).toBeGreaterThan(0); // exec form: Node is PID 1 and gets SIGTERM itself
    expect(all(runtime, 'ENTRYPOINT')).toEqual([]);
    expect(cmd.slice(0, 2)).toEqual(['hearth', 'serve']);
    // /usr/local/bin/hearth is a link to the launcher package.json names, at its place under WORKDIR.
    const target = symlinks(runtime).get('/usr/local/bin/hearth');
    expect(target).toBe(`${workdir(runtime)}/${pkg.bin.hearth}`);
    expect(toHost(runtime, target!)).toBe(join(ROOT, pkg.bin.hearth));
    // The launcher runs out/main/cli.js relative to itself: the same layout as in this checkout.
    expect(readFileSync(join(ROOT, pkg.bin.hearth), 'utf8')).toMatch(/'out', 'main', 'cli\.js'/);
    const host = cmd[cmd.indexOf('--host') + 1];
    expect(cmd.indexOf('--host')).toBeGreaterThan(1);
    expect(host).toBe('0.0.0.0');
    expect(isLoopbackHost(host!)).toBe(false); // so serve insists on WEBUI_SECRET_KEY
  });

  it('has a command the CLI accepts (its own argument parsing), which refuses to start without WEBUI_SECRET_KEY', async () => {
    const io = (argv: string[], env: Record<string, string>) => {
      let out = '';
      let err = '';
      const code = runCli({
        argv,
        env,
        cwd: makeTempDir(), // no .env there
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: (s: string) => (err += s) },
        staticDir: makeTempDir(),
        onSignal: () => {},
      });
      return code.then((c) => ({ code: c, out, err }));
    };
    // The CLI's strict parsing accepts every option (an unknown one is a usage error, exit 2)…
    const help = await io([...cmd.slice(1), '--help'], {});
    expect(help.err).toBe('');
    expect(help.code).toBe(0);
    const broken = await io([...cmd.slice(1), '--hots', '0.0.0.0', '--help'], {});
    expect(broken.code).toBe(2);
    // …and reads --host as the address: without a key it refuses that very address.
    const refused = await io(cmd.slice(1), { ...imageEnv, HEARTH_DATA_DIR: makeTempDir() });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/Refusing to listen on 0\.0\.0\.0: .*Set WEBUI_SECRET_KEY/);
  });

  it('checks health with node (no curl in the slim image) on /healthz at the configured port', async () => {
    const hc = healthcheck(runtime)!;
    expect(hc).not.toBeNull();
    expect(hc.command[0]).toBe('node');
    for (const option of ['interval', 'timeout', 'start-period', 'retries']) expect(hc.options[option]).toBeTruthy();
    // Run it against a stand-in server: it must ask for /healthz on OPEN_WEBUI_PORT and report the answer.
    const paths: string[] = [];
    let status = 200;
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(status).end('{"status":"ok"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const run = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, hc.command.slice(1), {
          env: { PATH: process.env.PATH, ...imageEnv, OPEN_WEBUI_PORT: String(port) },
          stdio: 'ignore',
        });
        child.on('exit', (code) => resolve(code));
      });
    try {
      expect(await run()).toBe(0);
      expect(paths).toEqual(['/healthz']);
      status = 503;
      expect(await run()).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('.dockerignore', () => {
  const rules = parseDockerignore(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));

  it('keeps installed and built output, test artefacts, local data, secrets and .git out of the build', () => {
    for (const path of [
      'node_modules/better-sqlite3/package.json',
      'e2e/support/node_modules/x',
      'out/main/cli.js',
      'dist/hearth.AppImage',
      'test-results/a/trace.zip',
      'playwright-report/index.html',
      'resources/ollama/linux-x64/ollama',
      '.env',
      '.env.local',
      'hearth-data/hearth.db',
      '.hearth-dev/hearth.db',
      'logs/hearth.log',
      '.git/HEAD',
    ]) {
      expect(ignored(rules, path), path).toBe(true);
    }
  });

  it('sends every file the build reads', () => {
    const needed = ['package.json', 'package-lock.json', 'electron.vite.config.ts', pkg.bin.hearth];
    for (const name of readdirSync(ROOT)) if (/^tsconfig.*\.json$/.test(name)) needed.push(name);
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === 'node_modules') continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else needed.push(relative(ROOT, path).split('\\').join('/'));
      }
    };
    for (const dir of ['electron', 'renderer', 'shared']) walk(join(ROOT, dir));
    expect(needed.filter((p) => ignored(rules, p))).toEqual([]);
  });
});

// ---- compose.yaml ------------------------------------------------------------------------------

interface Service {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  restart?: string;
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] | string; interval?: string; retries?: number };
  depends_on?: Record<string, { condition: string }>;
  deploy?: unknown;
  env_file?: unknown;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const composeText = readFileSync(join(ROOT, 'compose.yaml'), 'utf8');
const rawCompose = parse(composeText) as Compose;
const VARS = { WEBUI_SECRET_KEY: 'k'.repeat(32), POSTGRES_PASSWORD: 'p4ssw0rd' };
const compose = interpolateTree(rawCompose, VARS);
const { ollama, postgres, hearth } = compose.services;

/** "HOST_IP:HOST:CONTAINER" / "HOST:CONTAINER" → parts. */
function port(spec: string): { ip: string | null; host: string; container: string } {
  const parts = spec.split(':');
  const container = parts.pop()!;
  const host = parts.pop()!;
  return { ip: parts.pop() ?? null, host, container };
}
function mount(spec: string): { source: string; target: string } {
  const [source, target] = spec.split(':');
  return { source: source!, target: target! };
}

describe('compose.yaml', () => {
  it('runs ollama, postgres and hearth, each restarted unless stopped', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['hearth', 'ollama', 'postgres']);
    for (const s of Object.values(compose.services)) expect(s.restart).toBe('unless-stopped');
  });

  it('ollama: the official image on 11434 (loopback of the host only: it has no authentication), models in a volume, a health check', () => {
    expect(ollama!.image).toMatch(/^ollama\/ollama(:|$)/);
    expect(ollama!.ports!.map(port)).toEqual([{ ip: '127.0.0.1', host: '11434', container: '11434' }]);
    const models = ollama!.volumes!.map(mount).find((m) => m.target === '/root/.ollama');
    expect(compose.volumes).toHaveProperty(models!.source);
    expect(ollama!.healthcheck!.test).toEqual(['CMD', 'ollama', 'list']);
  });

  it('postgres: the official image (13 or newer, as sync needs), data in a volume, pg_isready, a required password', () => {
    const major = Number(/^postgres:(\d+)/.exec(postgres!.image!)?.[1]);
    expect(major).toBeGreaterThanOrEqual(13);
    // postgres 18 moved its data folder; this mount is right for 13–17.
    expect(major).toBeLessThan(18);
    const data = postgres!.volumes!.map(mount).find((m) => m.target === '/var/lib/postgresql/data');
    expect(compose.volumes).toHaveProperty(data!.source);
    expect(String(postgres!.healthcheck!.test)).toMatch(/pg_isready/);
    expect(postgres!.ports!.map(port)).toEqual([{ ip: '127.0.0.1', host: '5432', container: '5432' }]);
    expect(() => interpolateTree(rawCompose, { ...VARS, POSTGRES_PASSWORD: '' })).toThrow(/POSTGRES_PASSWORD/);
  });

  it('hearth: this Dockerfile, port 3000 to the port the image exposes, /data in a volume', () => {
    expect(hearth!.build).toBe('.');
    expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
    const exposed = all(runtime, 'EXPOSE').flatMap((e) => e.args.trim().split(/\s+/));
    expect(hearth!.ports!.map(port)).toEqual([{ ip: null, host: '3000', container: exposed[0] }]);
    const data = hearth!.volumes!.map(mount);
    expect(data).toEqual([{ source: 'hearth', target: imageEnv.HEARTH_DATA_DIR }]);
    expect(compose.volumes).toHaveProperty('hearth');
    expect(hearth!.env_file).toBeUndefined(); // .env holds the postgres password too: pass names one by one
  });

  it('hearth starts once ollama and postgres are healthy, and each of them has a health check', () => {
    expect(hearth!.depends_on).toEqual({
      ollama: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
    });
    for (const name of Object.keys(hearth!.depends_on!)) expect(compose.services[name]!.healthcheck).toBeDefined();
  });

  it('hearth talks to the ollama service and syncs through the postgres service', () => {
    const env = hearth!.environment!;
    const config = resolveConfig({}, { ...imageEnv, ...env }, {});
    const ollamaUrl = new URL(config.ollamaBaseUrl.value);
    expect(ollamaUrl.hostname).toBe('ollama');
    expect(ollamaUrl.port).toBe(port(ollama!.ports![0]!).container);
    // Parsed by Hearth's sync code itself.
    const db = parseSyncUrl(config.databaseUrl.value!);
    expect(db.target).toEqual({
      host: 'postgres',
      port: Number(port(postgres!.ports![0]!).container),
      user: postgres!.environment!.POSTGRES_USER,
      database: postgres!.environment!.POSTGRES_DB,
    });
    expect(db.config.password).toBe(VARS.POSTGRES_PASSWORD);
  });

  it('takes WEBUI_SECRET_KEY from .env and refuses to start without it', () => {
    expect(hearth!.environment!.WEBUI_SECRET_KEY).toBe(VARS.WEBUI_SECRET_KEY);
    expect(() => interpolateTree(rawCompose, { POSTGRES_PASSWORD: 'x' })).toThrow(
      /WEBUI_SECRET_KEY.*set WEBUI_SECRET_KEY in \.env/,
    );
    expect(() => interpolateTree(rawCompose, { ...VARS, WEBUI_SECRET_KEY: '' })).toThrow(/WEBUI_SECRET_KEY/);
  });

  it('sets (and documents in comments) only environment variables Hearth reads', () => {
    const known = envNamesHearthReads();
    // The scan finds what config.ts reads (a scan that found nothing would let anything pass).
    for (const name of ['OLLAMA_BASE_URL', 'DATABASE_URL', 'WEBUI_SECRET_KEY', 'OPEN_WEBUI_PORT', 'HEARTH_DATA_DIR']) {
      expect(known, name).toContain(name);
    }
    const set = Object.keys(hearth!.environment!);
    expect(set.filter((n) => !known.has(n))).toEqual([]);
    // The optional ones, commented out under hearth's environment.
    const block = composeText.slice(composeText.indexOf('\n  hearth:'));
    const documented = [...block.matchAll(/^\s+#\s*([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    expect(documented).toEqual(expect.arrayContaining(['AUTOMATIC1111_BASE_URL', 'COMFYUI_BASE_URL']));
    expect(documented.filter((n) => !known.has(n))).toEqual([]);
    // …and the image's own.
    expect(Object.keys(imageEnv).filter((n) => !known.has(n) && n !== 'NODE_ENV')).toEqual([]);
  });

  it('interpolates the way docker compose does', () => {
    expect(interpolate('${A:-x}/${B-y}/$$/${C}', { A: '', B: '' })).toBe('x//$/');
    expect(() => interpolate('${A:?say so}', { A: '' })).toThrow(/A is missing a value: say so/);
    expect(interpolate('${A?say so}', { A: '' })).toBe('');
  });
});

describe('compose.gpu.yaml', () => {
  const gpu = parse(readFileSync(join(ROOT, 'compose.gpu.yaml'), 'utf8')) as Compose;

  it('only adds an NVIDIA reservation (every GPU) to the ollama service', () => {
    expect(Object.keys(gpu.services)).toEqual(['ollama']);
    expect(rawCompose.services).toHaveProperty('ollama');
    expect(gpu.services.ollama).toEqual({
      deploy: { resources: { reservations: { devices: [{ driver: 'nvidia', count: 'all', capabilities: ['gpu'] }] } } },
    });
  });
});

describe('.github/workflows/container.yml', () => {
  interface Step {
    name?: string;
    run?: string;
    uses?: string;
    env?: Record<string, string>;
    with?: Record<string, unknown>;
  }
  const wf = parse(readFileSync(join(ROOT, '.github/workflows/container.yml'), 'utf8')) as {
    on: Record<string, unknown>;
    jobs: Record<string, { steps: Step[] }>;
  };
  const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
  const runText = steps.map((s) => s.run ?? '').join('\n');

  it('runs on pushes and pull requests', () => {
    expect(wf.on).toHaveProperty('push');
    expect(wf.on).toHaveProperty('pull_request');
  });

  it('validates compose.yaml, builds the image, waits for its health check, and runs the smoke test against it', () => {
    expect(runText).toMatch(/docker compose[^\n]*config/);
    expect(runText).toMatch(/docker build\b/);
    expect(runText).toMatch(/\.State\.Health\.Status/);
    const smoke = steps.find((s) => s.run?.includes('build/container-smoke.test.ts'));
    expect(smoke?.env?.HEARTH_SMOKE_URL).toMatch(/^http:\/\//);
    expect(smoke?.env?.HEARTH_SMOKE_IMAGE).toBeTruthy();
  });
});
