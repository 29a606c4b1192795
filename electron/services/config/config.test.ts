import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../../../e2e/support/services';
import {
  DEFAULTS,
  defaultDataDir,
  loadDotEnv,
  normaliseBaseUrl,
  parsePort,
  resolveConfig,
  resolveDataDir,
  type Flags,
  type StoredSettings,
} from './config';

afterEach(removeTempDirs);

describe('resolveConfig precedence: flags > env > stored settings > defaults', () => {
  it('ollamaBaseUrl comes from each layer in turn', () => {
    const flags: Flags = { ollamaBaseUrl: 'http://flag-host:1' };
    const env = { OLLAMA_BASE_URL: 'http://env-host:2' };
    const stored: StoredSettings = { ollamaBaseUrl: 'http://stored-host:3' };
    expect(resolveConfig(flags, env, stored).ollamaBaseUrl).toEqual({ value: 'http://flag-host:1', source: 'flag' });
    expect(resolveConfig({}, env, stored).ollamaBaseUrl).toEqual({ value: 'http://env-host:2', source: 'env' });
    expect(resolveConfig({}, {}, stored).ollamaBaseUrl).toEqual({ value: 'http://stored-host:3', source: 'settings' });
    expect(resolveConfig({}, {}, {}).ollamaBaseUrl).toEqual({ value: DEFAULTS.ollamaBaseUrl, source: 'default' });
    // An empty or blank variable counts as unset, as in a shell.
    expect(resolveConfig({}, { OLLAMA_BASE_URL: '  ' }, stored).ollamaBaseUrl.source).toBe('settings');
  });

  it('openaiBaseUrl comes from each layer in turn', () => {
    const flags: Flags = { openaiBaseUrl: 'http://flag-ai/v1' };
    const env = { OPENAI_API_BASE_URL: 'http://env-ai/v1' };
    const stored: StoredSettings = { openaiBaseUrl: 'http://stored-ai/v1' };
    expect(resolveConfig(flags, env, stored).openaiBaseUrl).toEqual({ value: 'http://flag-ai/v1', source: 'flag' });
    expect(resolveConfig({}, env, stored).openaiBaseUrl).toEqual({ value: 'http://env-ai/v1', source: 'env' });
    expect(resolveConfig({}, {}, stored).openaiBaseUrl).toEqual({ value: 'http://stored-ai/v1', source: 'settings' });
  });

  it('uses the OpenAI default base URL only when a key exists', () => {
    expect(resolveConfig({}, {}, {}).openaiBaseUrl.value).toBe('');
    expect(resolveConfig({}, { OPENAI_API_KEY: 'sk-env' }, {}).openaiBaseUrl).toEqual({
      value: DEFAULTS.openaiBaseUrl,
      source: 'default',
    });
    expect(resolveConfig({}, {}, { openaiApiKey: 'enc:v1:abc' }).openaiBaseUrl.value).toBe(DEFAULTS.openaiBaseUrl);
    expect(resolveConfig({}, { OPENAI_API_KEY: '' }, {}).openaiBaseUrl.value).toBe('');
  });

  it('openaiApiKey: env over stored, else none', () => {
    expect(resolveConfig({}, { OPENAI_API_KEY: 'sk-env' }, { openaiApiKey: 'enc:v1:x' }).openaiApiKey).toEqual({
      value: 'sk-env',
      source: 'env',
    });
    expect(resolveConfig({}, {}, { openaiApiKey: 'enc:v1:x' }).openaiApiKey).toEqual({
      value: 'enc:v1:x',
      source: 'settings',
    });
    expect(resolveConfig({}, {}, {}).openaiApiKey).toEqual({ value: null, source: 'default' });
  });

  it('port: flag over OPEN_WEBUI_PORT over the default', () => {
    expect(resolveConfig({ port: 4100 }, { OPEN_WEBUI_PORT: '8080' }, {}).port).toEqual({
      value: 4100,
      source: 'flag',
    });
    expect(resolveConfig({}, { OPEN_WEBUI_PORT: '8080' }, {}).port).toEqual({ value: 8080, source: 'env' });
    expect(resolveConfig({}, {}, {}).port).toEqual({ value: DEFAULTS.port, source: 'default' });
    expect(resolveConfig({ port: 0 }, {}, {}).port.value).toBe(0);
  });

  it('host: flag over the loopback default', () => {
    expect(resolveConfig({ host: '0.0.0.0' }, {}, {}).host).toEqual({ value: '0.0.0.0', source: 'flag' });
    expect(resolveConfig({}, {}, {}).host).toEqual({ value: DEFAULTS.host, source: 'default' });
  });

  it('stored-only settings (theme, default model) fall back to defaults', () => {
    expect(resolveConfig({}, {}, { theme: 'dark', defaultModel: 'ollama/x' })).toMatchObject({
      theme: { value: 'dark', source: 'settings' },
      defaultModel: { value: 'ollama/x', source: 'settings' },
    });
    expect(resolveConfig({}, {}, {})).toMatchObject({
      theme: { value: DEFAULTS.theme, source: 'default' },
      defaultModel: { value: null, source: 'default' },
    });
  });

  it('env-only values: AUTOMATIC1111, DATABASE_URL, WEBUI_SECRET_KEY and GPU options', () => {
    const c = resolveConfig(
      {},
      {
        AUTOMATIC1111_BASE_URL: 'http://a1111:7860',
        DATABASE_URL: 'postgres://u:p@db/hearth',
        WEBUI_SECRET_KEY: 'k',
        OLLAMA_GPU_DRIVER: 'CUDA',
        OLLAMA_GPU_COUNT: '2',
      },
      {},
    );
    expect(c.automatic1111BaseUrl).toEqual({ value: 'http://a1111:7860', source: 'env' });
    expect(c.databaseUrl).toEqual({ value: 'postgres://u:p@db/hearth', source: 'env' });
    expect(c.secretKey).toBe('k');
    expect(c.gpu).toEqual({ driver: 'cuda', count: 2 });
    const none = resolveConfig({}, { OLLAMA_GPU_DRIVER: 'voodoo', OLLAMA_GPU_COUNT: 'all' }, {});
    expect(none.gpu).toEqual({ driver: null, count: 'all' });
    expect(none.secretKey).toBeNull();
    expect(none.automatic1111BaseUrl.value).toBeNull();
  });
});

describe('OPEN_WEBUI_PORT and parsePort', () => {
  it('parses valid ports', () => {
    expect(parsePort('3000', 'X')).toBe(3000);
    expect(parsePort(65535, 'X')).toBe(65535);
    expect(parsePort(undefined, 'X')).toBeUndefined();
    expect(parsePort('', 'X')).toBeUndefined();
  });

  it.each(['abc', '70000', '-1', '80.5'])('names the variable and the bad value for %j', (bad) => {
    expect(() => resolveConfig({}, { OPEN_WEBUI_PORT: bad }, {})).toThrow(
      `OPEN_WEBUI_PORT must be a port number between 0 and 65535, got "${bad}".`,
    );
  });

  it('ignores a broken OPEN_WEBUI_PORT when --port is given', () => {
    expect(resolveConfig({ port: 4100 }, { OPEN_WEBUI_PORT: 'abc' }, {}).port).toEqual({ value: 4100, source: 'flag' });
  });
});

describe('base URL normalisation', () => {
  it('drops trailing slashes and surrounding spaces from every layer', () => {
    expect(normaliseBaseUrl(' http://h:1/v1/// ')).toBe('http://h:1/v1');
    expect(resolveConfig({ ollamaBaseUrl: 'http://flag:1/' }, {}, {}).ollamaBaseUrl.value).toBe('http://flag:1');
    expect(resolveConfig({}, { OPENAI_API_BASE_URL: 'http://ai:2/v1/' }, {}).openaiBaseUrl.value).toBe(
      'http://ai:2/v1',
    );
    expect(resolveConfig({}, {}, { ollamaBaseUrl: 'http://stored:3//' }).ollamaBaseUrl.value).toBe('http://stored:3');
  });

  it('accepts an Ollama URL ending in /api (Open WebUI style), since the client adds /api itself', () => {
    expect(resolveConfig({}, { OLLAMA_BASE_URL: 'http://gpu-box:11434/api/' }, {}).ollamaBaseUrl.value).toBe(
      'http://gpu-box:11434',
    );
    // …but an OpenAI-compatible path is kept as given.
    expect(resolveConfig({}, { OPENAI_API_BASE_URL: 'http://proxy/api' }, {}).openaiBaseUrl.value).toBe(
      'http://proxy/api',
    );
  });
});

describe('resolveDataDir', () => {
  const home = '/home/ada';

  it('prefers the flag, then HEARTH_DATA_DIR, then Electron userData, then the OS default', () => {
    const env = { HEARTH_DATA_DIR: '/srv/hearth-env' };
    expect(resolveDataDir('/data/flag', env, '/electron/userData')).toBe(resolve('/data/flag'));
    expect(resolveDataDir(undefined, env, '/electron/userData')).toBe(resolve('/srv/hearth-env'));
    expect(resolveDataDir(undefined, {}, '/electron/userData')).toBe(resolve('/electron/userData'));
    expect(resolveDataDir(undefined, { HEARTH_DATA_DIR: '' }, undefined)).toBe(defaultDataDir({}));
  });

  it('makes a relative flag absolute', () => {
    expect(resolveDataDir('rel/data', {})).toBe(join(process.cwd(), 'rel/data'));
  });

  it('has a per-platform default', () => {
    expect(defaultDataDir({}, 'linux', home)).toBe(join(home, '.config', 'Hearth'));
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', home)).toBe(join('/xdg', 'Hearth'));
    expect(defaultDataDir({}, 'darwin', home)).toBe(join(home, 'Library', 'Application Support', 'Hearth'));
    expect(defaultDataDir({ APPDATA: 'C:/Users/ada/AppData/Roaming' }, 'win32', home)).toBe(
      join('C:/Users/ada/AppData/Roaming', 'Hearth'),
    );
    expect(defaultDataDir({}, 'win32', home)).toBe(join(home, 'AppData', 'Roaming', 'Hearth'));
  });
});

describe('loadDotEnv', () => {
  it('fills in unset variables from .env without overriding the real environment', () => {
    const dir = makeTempDir();
    writeFileSync(
      join(dir, '.env'),
      [
        '# local settings',
        'OLLAMA_BASE_URL=http://from-dotenv:11434',
        'OPEN_WEBUI_PORT=4000',
        'WEBUI_SECRET_KEY="quoted value"',
        '',
      ].join('\n'),
    );
    const env: Record<string, string | undefined> = { OLLAMA_BASE_URL: 'http://real-env:11434' };
    const set = loadDotEnv(dir, env);
    expect(set.sort()).toEqual(['OPEN_WEBUI_PORT', 'WEBUI_SECRET_KEY']);
    expect(env).toEqual({
      OLLAMA_BASE_URL: 'http://real-env:11434',
      OPEN_WEBUI_PORT: '4000',
      WEBUI_SECRET_KEY: 'quoted value',
    });
  });

  it('does nothing when there is no .env', () => {
    const env: Record<string, string | undefined> = {};
    expect(loadDotEnv(makeTempDir(), env)).toEqual([]);
    expect(env).toEqual({});
  });
});
