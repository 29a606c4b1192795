/**
 * `hearth models list|pull|rm|ps|show`: the model manager in a terminal, through the same services
 * and contract methods as the app. Pull draws a progress bar (overall %, bytes, speed, ETA) on one
 * updating line when stderr is a terminal, plain lines otherwise; Ctrl-C cancels the download (what
 * was downloaded stays, so the same command resumes) and exits 130.
 */
import type { ParseArgsConfig } from 'node:util';
import type { EventPayload, MethodName, MethodOutput } from '../../shared/contract';
import type { InstalledModel, RunningModel } from '../../shared/types/domain';
import { AppError } from '../../shared/types/errors';
import type { AppServices } from '../services/app-services';
import type { CliIo } from './cli';

export const MODELS_USAGE = `Usage: hearth models <command> [options]

Commands:
  list                   Installed models: size, parameters, quantisation, context, capabilities,
                         and whether each fits this machine's free memory
  pull NAME              Download a model (e.g. llama3.2:3b) with a progress bar; Ctrl-C stops it,
                         and running the same command again resumes where it stopped
  rm NAME                Delete an installed model
  ps                     Models loaded in memory: size, share in GPU memory, context, when they unload
  show NAME              Details: parameters, template, system prompt, license, model info

Options:
  --provider P           Which Ollama server: ollama (default) or an extra server's id (ollama-<name>);
                         NAME may also be written P/NAME
  --json                 list, ps and show: print JSON instead of a table
  --data-dir D           Hearth's data folder (default $HEARTH_DATA_DIR or the OS's app-data folder)
  --ollama-base-url URL  The Ollama server to use (default $OLLAMA_BASE_URL or settings)
`;

export interface ModelsCliDeps {
  parse(
    args: string[],
    options: ParseArgsConfig['options'],
  ): { values: Record<string, unknown>; positionals: string[] };
  open(values: Record<string, unknown>): AppServices;
  usageError(message: string): Error;
}

type Stream = { write(s: string): unknown; isTTY?: boolean; columns?: number };

export async function modelsCommand(io: CliIo, args: string[], deps: ModelsCliDeps): Promise<number> {
  const { values, positionals } = deps.parse(args, { provider: { type: 'string' }, json: { type: 'boolean' } });
  const [sub, ...names] = positionals;
  if (values.help || sub === 'help') {
    io.stdout.write(MODELS_USAGE);
    return 0;
  }
  if (!sub) throw deps.usageError('models needs a command: list, pull NAME, rm NAME, ps or show NAME.');
  const provider = values.provider as string | undefined;
  const json = values.json === true;
  const needsName = ['pull', 'rm', 'delete', 'show'].includes(sub);
  if (!['list', 'ls', 'ps', ...(needsName ? [sub] : [])].includes(sub)) {
    throw deps.usageError(`Unknown models command "${sub}": use list, pull, rm, ps or show.`);
  }
  if (needsName && names.length !== 1) throw deps.usageError(`models ${sub} needs one model name, e.g. llama3.2:3b.`);
  const ref = needsName ? (provider ? `${provider}/${names[0]}` : names[0]!) : '';
  const s = deps.open(values);
  try {
    // In auto mode the first choice (an external Ollama, else the bundled one) comes before any call.
    await s.ollama.settled();
    switch (sub) {
      case 'list':
      case 'ls':
        return await list(io, s, provider, json);
      case 'ps':
        return await ps(io, s, provider, json);
      case 'show':
        return await show(io, s, ref, json);
      case 'rm':
      case 'delete':
        await call(s, 'models.delete', { model: ref });
        io.stdout.write(`Deleted ${names[0]}.\n`);
        return 0;
      default:
        return await pull(io, s, ref, names[0]!);
    }
  } finally {
    await s.close();
  }
}

async function call<M extends MethodName>(s: AppServices, method: M, input: unknown): Promise<MethodOutput<M>> {
  const r = await s.router.call(method, input);
  if (!r.ok) throw new AppError(r.error.code, r.error.message);
  return r.value as MethodOutput<M>;
}

/** Bytes in decimal units, as Ollama prints them (2.0 GB). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${Math.round(v)} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, c) => cell.padEnd(widths[c]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function ago(ms: number | undefined): string {
  if (!ms) return '';
  const d = (Date.now() - ms) / 1000;
  if (d < 3600) return `${Math.max(1, Math.round(d / 60))} min ago`;
  if (d < 86400 * 2) return `${Math.round(d / 3600)} h ago`;
  return `${Math.round(d / 86400)} days ago`;
}

const FITS = { yes: 'yes', tight: 'tight', no: 'no' } as const;

async function list(io: CliIo, s: AppServices, provider: string | undefined, json: boolean): Promise<number> {
  const r = await call(s, 'models.installed', { providerId: provider });
  if (json) {
    io.stdout.write(JSON.stringify(r, null, 2) + '\n');
    return 0;
  }
  if (!r.models.length) {
    io.stdout.write(`No models installed on ${r.providerId}. Get one with: hearth models pull llama3.2:3b\n`);
    return 0;
  }
  const rows = [['NAME', 'SIZE', 'PARAMS', 'QUANT', 'CONTEXT', 'CAPABILITIES', 'FITS', 'MODIFIED']];
  for (const m of r.models as InstalledModel[]) {
    rows.push([
      m.name,
      m.sizeBytes ? formatBytes(m.sizeBytes) : '',
      m.parameterSize ?? '',
      m.quantization ?? '',
      m.contextLength ? String(m.contextLength) : '',
      m.capabilities.join(','),
      m.fits ? FITS[m.fits] : '',
      ago(m.modifiedAt),
    ]);
  }
  io.stdout.write(table(rows));
  io.stdout.write(
    `\nFree memory: ${formatBytes(r.memory.freeBytes)} of ${formatBytes(r.memory.totalBytes)} (FITS: yes, tight = within 20%, no).\n`,
  );
  return 0;
}

async function ps(io: CliIo, s: AppServices, provider: string | undefined, json: boolean): Promise<number> {
  const r = await call(s, 'models.running', { providerId: provider });
  if (json) {
    io.stdout.write(JSON.stringify(r, null, 2) + '\n');
    return 0;
  }
  if (!r.models.length) {
    io.stdout.write('No models are loaded in memory.\n');
    return 0;
  }
  const rows = [['NAME', 'SIZE', 'GPU', 'CONTEXT', 'UNTIL']];
  for (const m of r.models as RunningModel[]) {
    const gpu = m.sizeBytes ? Math.round((m.vramBytes / m.sizeBytes) * 100) : 0;
    const until =
      m.expiresAt === null ? 'kept loaded' : `in ${formatDuration(Math.max(0, (m.expiresAt - Date.now()) / 1000))}`;
    rows.push([m.name, formatBytes(m.sizeBytes), `${gpu}%`, m.contextLength ? String(m.contextLength) : '', until]);
  }
  io.stdout.write(table(rows));
  return 0;
}

async function show(io: CliIo, s: AppServices, ref: string, json: boolean): Promise<number> {
  const d = await call(s, 'models.show', { model: ref });
  if (json) {
    io.stdout.write(JSON.stringify(d, null, 2) + '\n');
    return 0;
  }
  const out: string[] = [d.name];
  const facts: [string, string | undefined][] = [
    ['Family', d.family],
    ['Parameters', d.parameterSize],
    ['Quantisation', d.quantization],
    ['Context', d.contextLength ? String(d.contextLength) : undefined],
    ['Capabilities', d.capabilities.join(', ') || undefined],
  ];
  for (const [k, v] of facts) if (v) out.push(`  ${k.padEnd(13)}${v}`);
  const block = (title: string, text: string | null) => {
    if (text) out.push('', `${title}:`, ...text.split('\n').map((l) => `  ${l}`));
  };
  block('Parameters', d.parameters);
  block('System', d.system);
  block('Template', d.template);
  block('License', d.license && d.license.split('\n').slice(0, 5).join('\n'));
  const info = Object.entries(d.modelInfo);
  if (info.length) out.push('', 'Model info:', ...info.map(([k, v]) => `  ${k} ${String(v)}`));
  io.stdout.write(out.join('\n') + '\n');
  return 0;
}

/** One progress line: name, bar, %, bytes, speed, ETA (fitted to `width`). */
export function progressLine(name: string, p: EventPayload<'models.pullProgress'>, width = 80): string {
  const total = p.overallTotal ?? 0;
  if (!total) return `${name}: ${p.status}`;
  const done = p.overallCompleted ?? 0;
  // Ollama announces layers one after another, so the total grows as small layers follow the big one;
  // 100% is kept for the end, or the bar would step back from 100% to 99% each time.
  const pct = Math.min(99, Math.floor((done / total) * 100));
  const parts = [
    `${pct}%`,
    `${formatBytes(done)} / ${formatBytes(total)}`,
    p.bytesPerSec !== undefined ? `${formatBytes(p.bytesPerSec)}/s` : '',
    p.etaSec !== undefined && done < total ? `ETA ${formatDuration(p.etaSec)}` : '',
  ].filter(Boolean);
  const tail = parts.join('  ');
  const room = width - name.length - tail.length - 6;
  const barWidth = Math.min(30, room);
  if (barWidth < 5) return `${name} ${tail}`.slice(0, Math.max(10, width - 1));
  const filled = Math.round((pct / 100) * barWidth);
  return `${name} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${tail}`;
}

async function pull(io: CliIo, s: AppServices, ref: string, name: string): Promise<number> {
  const err = io.stderr as Stream;
  const tty = err.isTTY === true;
  const width = () => Math.max(40, (err.columns ?? 80) - 1);
  const started = Date.now();
  let lastPlainAt = 0;
  let lastDecile = -1;
  let lastStatus = '';
  let drawn = false;

  const draw = (p: EventPayload<'models.pullProgress'>) => {
    const downloading = p.status.startsWith('pulling ') && p.status !== 'pulling manifest';
    const phase = downloading ? 'downloading' : p.status;
    if (tty) {
      const line = downloading ? progressLine(name, p, width()) : `${name}: ${p.status}…`;
      err.write(`\r\x1b[2K${line.slice(0, width())}`);
      drawn = true;
      return;
    }
    const decile = p.overallTotal ? Math.floor(((p.overallCompleted ?? 0) / p.overallTotal) * 10) : -1;
    const now = Date.now();
    if (phase !== lastStatus || (downloading && (decile > lastDecile || now - lastPlainAt >= 2000))) {
      err.write((downloading ? progressLine(name, p, 200) : `${name}: ${p.status}`) + '\n');
      lastPlainAt = now;
      lastDecile = Math.max(lastDecile, decile);
    }
    lastStatus = phase;
  };

  const final = new Promise<EventPayload<'models.pullProgress'>>((resolve) => {
    s.events.subscribe((e) => {
      if (e.event !== 'models.pullProgress' || e.payload.model !== ref) return;
      if (e.payload.done) resolve(e.payload);
      else draw(e.payload);
    });
  });
  const r = await s.router.call('models.pull', { model: ref });
  if (!r.ok) throw new AppError(r.error.code, r.error.message);
  io.onSignal(() => void s.router.call('models.pullCancel', { model: ref }));
  const last = await final;
  if (tty && drawn) err.write('\r\x1b[2K');
  if (last.cancelled) {
    const kept = last.overallCompleted ? ` (${formatBytes(last.overallCompleted)} kept)` : '';
    err.write(`Stopped pulling ${name}${kept}. Run the same command again to resume.\n`);
    return 130;
  }
  if (last.error) throw new AppError('backend_error', last.error);
  const size = last.overallTotal ? `${formatBytes(last.overallTotal)}, ` : '';
  io.stdout.write(`Pulled ${name} (${size}${formatDuration((Date.now() - started) / 1000)}).\n`);
  return 0;
}
