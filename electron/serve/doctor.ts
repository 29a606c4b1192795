/**
 * `hearth doctor`: where data lives, the schema version, which Ollama Hearth uses (external or its
 * own, and how it is doing), and whether each configured endpoint answers.
 */
import { statSync } from 'node:fs';
import type { OllamaServerStatus, OllamaStatus } from '../../shared/types/domain';
import type { AppServices } from '../services/app-services';

export interface DoctorLine {
  name: string;
  value: string;
  ok: boolean | null;
  detail?: string;
}

async function probe(
  url: string,
  timeoutMs: number,
  fetchImpl: typeof fetch,
): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { ok: res.status < 500, detail: `HTTP ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, detail: cause ?? (err as Error).name ?? 'no answer' };
  }
}

function logSize(file: string): string {
  try {
    const kb = statSync(file).size / 1024;
    return kb < 1024 ? `${kb.toFixed(0)} KB` : `${(kb / 1024).toFixed(1)} MB`;
  } catch {
    return 'not written yet';
  }
}

export async function runDoctor(
  services: AppServices,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = 3000,
): Promise<DoctorLine[]> {
  const info = services.info();
  const c = services.settings.config();
  const lines: DoctorLine[] = [
    { name: 'Hearth', value: info.version, ok: null },
    { name: 'Data directory', value: info.dataDir, ok: null },
    { name: 'Database schema', value: `version ${info.schemaVersion}`, ok: true },
    { name: 'Log', value: `${services.logFile} (${logSize(services.logFile)})`, ok: null },
  ];
  // The runtime's first choice (probing the external URL, or starting the bundled server) comes first:
  // the providers below then point at the server it chose.
  const runtime = await Promise.race([
    services.ollama.settled(),
    new Promise<OllamaStatus>((r) => setTimeout(() => r(services.ollama.status()), 15_000).unref()),
  ]);
  lines.push(...runtimeLines(runtime));
  const checks: Promise<void>[] = [];
  for (const p of services.settings.providers()) {
    const line: DoctorLine = {
      name: p.label,
      value: `${p.baseUrl} (${providerSource(p.id, runtime, c)})`,
      ok: false,
    };
    lines.push(line);
    checks.push(
      p
        .ping(AbortSignal.timeout(timeoutMs))
        .then((r) => {
          line.ok = true;
          line.detail = r.version ? `answers, version ${r.version}` : 'answers';
        })
        .catch((err: Error) => {
          line.detail = err.message;
        }),
    );
  }
  if (c.automatic1111BaseUrl.value) {
    const line: DoctorLine = { name: 'AUTOMATIC1111', value: c.automatic1111BaseUrl.value, ok: false };
    lines.push(line);
    checks.push(
      probe(c.automatic1111BaseUrl.value.replace(/\/+$/, '') + '/sdapi/v1/options', timeoutMs, fetchImpl).then((r) => {
        line.ok = r.ok;
        line.detail = r.ok ? 'answers' : `no answer (${r.detail})`;
      }),
    );
  }
  if (c.databaseUrl.value) {
    let shown = c.databaseUrl.value;
    try {
      const u = new URL(shown);
      if (u.password) u.password = '***';
      shown = u.toString();
    } catch {
      shown = '(unparseable DATABASE_URL)';
    }
    lines.push({
      name: 'PostgreSQL sync',
      value: shown,
      ok: null,
      detail: 'configured; sync is not part of this version yet',
    });
  }
  if (c.gpu.driver || c.gpu.count !== null) {
    lines.push({
      name: 'Ollama GPU',
      value: `${c.gpu.driver ?? 'auto'}${c.gpu.count !== null ? `, ${c.gpu.count} GPU(s)` : ''}`,
      ok: null,
      detail: 'from OLLAMA_GPU_DRIVER / OLLAMA_GPU_COUNT, for a bundled Ollama',
    });
  }
  lines.push({
    name: 'serve',
    value: `${c.host.value}:${c.port.value}`,
    ok: null,
    detail: c.secretKey ? 'WEBUI_SECRET_KEY set: token required' : 'loopback only (no WEBUI_SECRET_KEY)',
  });
  await Promise.all(checks);
  return lines;
}

const STATE_OK: Record<OllamaServerStatus['state'], boolean | null> = {
  running: true,
  starting: null,
  stopped: null,
  error: false,
  unavailable: false,
};

function runtimeLines(st: OllamaStatus): DoctorLine[] {
  const primary = st.servers[0];
  const out: DoctorLine[] = [];
  if (primary) {
    const where = primary.baseUrl ? ` at ${primary.baseUrl}` : '';
    const version = primary.version ? `, version ${primary.version}` : '';
    const pid = primary.pid ? `, pid ${primary.pid}` : '';
    out.push({
      name: 'Ollama runtime',
      value:
        primary.state === 'unavailable' ? `mode ${st.mode}: none found` : `mode ${st.mode}: ${primary.kind}${where}`,
      ok: STATE_OK[primary.state],
      detail: `${primary.state}${version}${pid}${primary.error ? `: ${primary.error.split('\n')[0]}` : ''}`,
    });
  }
  out.push({
    name: 'Bundled Ollama',
    value: st.bundled.path ?? 'none shipped or configured',
    ok: null,
    detail: `models in ${st.bundled.modelsDir}; log ${st.bundled.logFile}`,
  });
  return out;
}

/** Where a provider's address comes from: Hearth's own server, a flag, the environment, settings or the default. */
function providerSource(id: string, runtime: OllamaStatus, c: ReturnType<AppServices['settings']['config']>): string {
  if (id === 'ollama') {
    return runtime.servers[0]?.kind === 'bundled' && runtime.servers[0].state === 'running'
      ? "Hearth's own server"
      : sourceName(c.ollamaBaseUrl.source);
  }
  if (id === 'openai') return sourceName(c.openaiBaseUrl.source);
  return 'from settings';
}

function sourceName(s: string): string {
  return s === 'env' ? 'from environment' : s === 'flag' ? 'from flag' : s === 'settings' ? 'from settings' : 'default';
}

export function formatDoctor(lines: DoctorLine[]): string {
  const width = Math.max(...lines.map((l) => l.name.length));
  return lines
    .map((l) => {
      const mark = l.ok === null ? ' ' : l.ok ? '✓' : '✗';
      return `${mark} ${l.name.padEnd(width)}  ${l.value}${l.detail ? `  — ${l.detail}` : ''}`;
    })
    .join('\n');
}
