/**
 * Configuration. Precedence: command-line flags > environment (Open WebUI's names) > settings
 * stored in SQLite > defaults. `resolveConfig` is pure so every rule is testable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { Theme } from '../../../shared/types/domain';

export interface Flags {
  dataDir?: string;
  host?: string;
  port?: number;
  ollamaBaseUrl?: string;
  openaiBaseUrl?: string;
  /** The bundled Ollama's program (serve's --ollama-path). */
  ollamaPath?: string;
}

/** Settings a user can store from the Settings screen. */
export interface StoredSettings {
  ollamaBaseUrl?: string;
  openaiBaseUrl?: string;
  /** Encrypted (`enc:v1:…`), never plaintext. */
  openaiApiKey?: string;
  defaultModel?: string | null;
  theme?: Theme;
}

export type Source = 'flag' | 'env' | 'settings' | 'default';
export interface Sourced<T> {
  value: T;
  source: Source;
}

export interface ResolvedConfig {
  ollamaBaseUrl: Sourced<string>;
  openaiBaseUrl: Sourced<string>;
  /** Plaintext when it comes from the environment; encrypted when stored. */
  openaiApiKey: Sourced<string | null>;
  automatic1111BaseUrl: Sourced<string | null>;
  databaseUrl: Sourced<string | null>;
  defaultModel: Sourced<string | null>;
  theme: Sourced<Theme>;
  host: Sourced<string>;
  port: Sourced<number>;
  secretKey: string | null;
  gpu: { driver: 'cuda' | 'rocm' | 'cpu' | null; count: number | 'all' | null };
}

export const DEFAULTS = {
  ollamaBaseUrl: 'http://127.0.0.1:11434',
  openaiBaseUrl: 'https://api.openai.com/v1',
  host: '127.0.0.1',
  port: 3000,
  theme: 'system' as Theme,
};

type Env = Record<string, string | undefined>;

const nonEmpty = (v: string | undefined): string | undefined => {
  const t = v?.trim();
  return t ? t : undefined;
};

function pick<T>(flag: T | undefined, env: T | undefined, stored: T | undefined, fallback: T): Sourced<T> {
  if (flag !== undefined) return { value: flag, source: 'flag' };
  if (env !== undefined) return { value: env, source: 'env' };
  if (stored !== undefined) return { value: stored, source: 'settings' };
  return { value: fallback, source: 'default' };
}

/** Open WebUI accepts a trailing slash and, for Ollama, sometimes a trailing /api; normalise both. */
export function normaliseBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

export function parsePort(raw: string | number | undefined, what: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`${what} must be a port number between 0 and 65535, got "${raw}".`);
  }
  return n;
}

export function resolveConfig(flags: Flags, env: Env, stored: StoredSettings): ResolvedConfig {
  const envOpenAiKey = nonEmpty(env.OPENAI_API_KEY);
  const driver = nonEmpty(env.OLLAMA_GPU_DRIVER)?.toLowerCase();
  const countRaw = nonEmpty(env.OLLAMA_GPU_COUNT);
  let count: number | 'all' | null = null;
  if (countRaw) count = countRaw === 'all' ? 'all' : Number.isInteger(Number(countRaw)) ? Number(countRaw) : null;
  const ollama = pick(flags.ollamaBaseUrl, nonEmpty(env.OLLAMA_BASE_URL), stored.ollamaBaseUrl, DEFAULTS.ollamaBaseUrl);
  const openai = pick(
    flags.openaiBaseUrl,
    nonEmpty(env.OPENAI_API_BASE_URL),
    stored.openaiBaseUrl,
    // An OpenAI endpoint is used only when something asks for it: a base URL or a key.
    envOpenAiKey || stored.openaiApiKey ? DEFAULTS.openaiBaseUrl : '',
  );
  return {
    // Open WebUI's older OLLAMA_API_BASE_URL style ends in /api; the client adds /api itself.
    ollamaBaseUrl: { ...ollama, value: normaliseBaseUrl(ollama.value).replace(/\/api$/i, '') },
    openaiBaseUrl: { ...openai, value: normaliseBaseUrl(openai.value) },
    openaiApiKey: pick<string | null>(undefined, envOpenAiKey, stored.openaiApiKey, null),
    automatic1111BaseUrl: pick<string | null>(undefined, nonEmpty(env.AUTOMATIC1111_BASE_URL), undefined, null),
    databaseUrl: pick<string | null>(undefined, nonEmpty(env.DATABASE_URL), undefined, null),
    defaultModel: pick<string | null>(undefined, undefined, stored.defaultModel ?? undefined, null),
    theme: pick(undefined, undefined, stored.theme, DEFAULTS.theme),
    host: pick(flags.host, undefined, undefined, DEFAULTS.host),
    port: pick(
      flags.port,
      // A flag wins, so a broken OPEN_WEBUI_PORT only matters when no --port is given.
      flags.port === undefined ? parsePort(nonEmpty(env.OPEN_WEBUI_PORT), 'OPEN_WEBUI_PORT') : undefined,
      undefined,
      DEFAULTS.port,
    ),
    secretKey: nonEmpty(env.WEBUI_SECRET_KEY) ?? null,
    gpu: {
      driver: driver === 'cuda' || driver === 'rocm' || driver === 'cpu' ? driver : null,
      count,
    },
  };
}

/** The data directory: flag > HEARTH_DATA_DIR > Electron's userData > the OS default. */
export function resolveDataDir(flagDir: string | undefined, env: Env, electronUserData?: string): string {
  const chosen = flagDir ?? nonEmpty(env.HEARTH_DATA_DIR) ?? electronUserData;
  if (chosen) return resolve(chosen);
  return defaultDataDir(env);
}

export function defaultDataDir(env: Env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Hearth');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Hearth');
  return join(nonEmpty(env.XDG_CONFIG_HOME) ?? join(home, '.config'), 'Hearth');
}

/**
 * Read `.env` from a folder the way Open WebUI's developers use one: values fill in variables
 * that are not already set in the real environment. Returns the names it set.
 */
export function loadDotEnv(dir: string, env: Env = process.env): string[] {
  const file = join(dir, '.env');
  if (!existsSync(file)) return [];
  const parsed = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  const set: string[] = [];
  for (const [k, v] of Object.entries(parsed)) {
    if (env[k] === undefined) {
      env[k] = v;
      set.push(k);
    }
  }
  return set;
}
