/**
 * Which Ollama server is the primary one, decided from plain inputs (no I/O but finding the bundled
 * executable on disk): external mode uses the configured URL, bundled mode Hearth's own server, and
 * auto mode an external one that answers, else the bundled one, else none with a plain explanation.
 * Auto mode needs the external URL probed first: chooseServer says so ('probe') until given the answer.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OllamaMode } from '../../../shared/types/domain';

export const INSTALL_HINT =
  'Install Ollama from https://ollama.com/download and start it, or point Hearth at a running one (Settings › Ollama, or the OLLAMA_BASE_URL environment variable), then press Retry.';

/** What probing an Ollama's /api/version found. */
export type ProbeResult = { ok: true; version: string | null } | { ok: false; error: string };

export interface SelectionInput {
  mode: OllamaMode;
  /** The configured external URL (settings or OLLAMA_BASE_URL). */
  url: string;
  /** An executable for the bundled server exists. */
  bundledAvailable: boolean;
  /** The answer from `url` (auto mode asks for it). */
  probe?: ProbeResult;
}

export type ServerChoice =
  /** The URL must be probed before auto mode can decide. */
  | { use: 'probe'; url: string; why: string }
  /** `version` is given when a probe already found it answering. */
  | { use: 'external'; url: string; version?: string | null; why: string }
  | { use: 'bundled'; why: string }
  /** Nothing to use; `error` says why and how to get an Ollama. */
  | { use: 'none'; error: string; why: string };

export function chooseServer(i: SelectionInput): ServerChoice {
  if (i.mode === 'external') return { use: 'external', url: i.url, why: 'external mode' };
  if (i.mode === 'bundled') return { use: 'bundled', why: 'bundled mode' };
  const p = i.probe;
  if (!p) return { use: 'probe', url: i.url, why: 'auto mode looks for an Ollama that is already running' };
  if (p.ok) return { use: 'external', url: i.url, version: p.version, why: `auto: an Ollama answers at ${i.url}` };
  if (i.bundledAvailable) return { use: 'bundled', why: `auto: nothing answers at ${i.url} (${p.error})` };
  return {
    use: 'none',
    why: `auto: nothing answers at ${i.url} (${p.error}) and there is no bundled executable`,
    error: `No Ollama was found: nothing answers at ${i.url} (${p.error}) and Hearth has no Ollama of its own on this computer. ${INSTALL_HINT}`,
  };
}

/** The bundled executable: settings/HEARTH_OLLAMA_PATH, else <resources>/ollama/<platform>-<arch>/ollama[.exe]. */
export function findOllamaExecutable(
  configured: string | null,
  resourcesDir: string | undefined,
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): { path: string | null; available: boolean } {
  if (configured) return { path: configured, available: existsSync(configured) };
  if (!resourcesDir) return { path: null, available: false };
  const p = join(resourcesDir, 'ollama', `${platform}-${arch}`, platform === 'win32' ? 'ollama.exe' : 'ollama');
  return existsSync(p) ? { path: p, available: true } : { path: null, available: false };
}

/** Why the bundled server cannot run: the configured path does not exist, or none ships with this copy. */
export function noExecutableText(configured: string | null, setBy: 'HEARTH_OLLAMA_PATH' | 'Settings'): string {
  if (configured) {
    return `The Ollama executable set in ${setBy} (${configured}) does not exist. Correct the path, or ${INSTALL_HINT.charAt(0).toLowerCase()}${INSTALL_HINT.slice(1)}`;
  }
  return `This copy of Hearth has no Ollama of its own. ${INSTALL_HINT}`;
}

/** The settings a choice depends on. */
export interface OllamaConfig {
  mode: OllamaMode;
  url: string;
  path: string | null;
  modelsDir: string | null;
  /** The extra external servers (compared as they are stored). */
  servers: unknown;
}

/** What decides the primary server (a change means choosing it again). */
export function primaryKey(c: OllamaConfig): string {
  return JSON.stringify([c.mode, c.url, c.path, c.modelsDir]);
}

/** Everything Ollama-related (a change means looking again, maybe at the extra servers only). */
export function configKey(c: OllamaConfig): string {
  return JSON.stringify([c.mode, c.url, c.path, c.modelsDir, c.servers]);
}
