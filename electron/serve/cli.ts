/**
 * The `hearth` command: serve, chat, export, import, doctor, models, sync. Plain Node; never imports Electron.
 * Exit codes: 0 success, 1 failure, 2 usage error, 130 interrupted.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../../shared/types/errors';
import { uuidv7 } from '../../shared/uuidv7';
import { APP_VERSION, createAppServices, type AppServices, type AppServicesOptions } from '../services/app-services';
import { EventHub } from '../services/events';
import { loadDotEnv, parsePort, resolveConfig, resolveDataDir, type Flags } from '../services/config/config';
import { serveSecretsKey } from '../services/secrets/key-sources';
import { createLogger } from '../services/util/logger';
import { formatDoctor, runDoctor } from './doctor';
import { modelsCommand } from './cli-models';
import { syncCommand } from './cli-sync';
import { ServeConfigError, startServer } from './server';
import { BackupError } from '../services/backups/archive';
import { restoreArchive } from '../services/backups/restore';

export interface CliIo {
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  staticDir: string;
  /** Hearth's resources folder: the bundled Ollama is looked for in <resourcesDir>/ollama/<platform>-<arch>/. */
  resourcesDir?: string;
  /** Resolves when the user asks to stop (Ctrl-C / SIGTERM). */
  onSignal(handler: () => void): void;
}

const USAGE = `Usage: hearth <command> [options]

Commands:
  serve                  Start Hearth headless; open the printed URL in a browser
    --host H             Address to listen on (default 127.0.0.1; others need WEBUI_SECRET_KEY)
    --port P             Port (default $OPEN_WEBUI_PORT or 3000; 0 picks a free one)
    --ollama-path FILE   The Ollama program to run in bundled mode (or $HEARTH_OLLAMA_PATH)
  chat --model M "text"  Ask a model, stream the answer to stdout, save the chat
    --provider P         Provider of the model: ollama (default) or openai
    --chat ID            Continue an existing chat
  export [--out FILE]    Write every chat as Hearth JSON, attachments included (stdout without --out)
    --format markdown --chat ID   One chat (the branch on screen) as Markdown
  import FILE            Import a Hearth export, ChatGPT's conversations.json or an Open WebUI
                         chat export (already-imported chats are skipped, with a report)
  doctor                 Show data directory, schema version and whether endpoints answer
  models list|pull NAME|rm NAME|ps|show NAME
                         Ollama models: list, download with progress, delete, loaded in memory
                         (hearth models --help for more)
  backup [--out FILE]    Back up everything (database, attachments, images) as one archive, into the
                         backup folder (Settings → Data) or FILE
  restore FILE           Restore a backup archive: checked whole first; the current data is moved aside
                         (kept) and the backup put in place. Quit Hearth first; works when it will not start
  sync                   Sync once with PostgreSQL (DATABASE_URL or Settings → Sync); prints what moved
    --status             Show sync's settings and state instead (URL with the password hidden)
    --enable|--disable   Turn sync on (then sync) or off

Every command takes --data-dir D (default $HEARTH_DATA_DIR or the OS's app-data folder).
Environment: OLLAMA_BASE_URL, OPENAI_API_BASE_URL, OPENAI_API_KEY, WEBUI_SECRET_KEY, OPEN_WEBUI_PORT,
DATABASE_URL, …
`;

class UsageError extends Error {}

const common = {
  'data-dir': { type: 'string' },
  'ollama-base-url': { type: 'string' },
  'openai-base-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function parse(
  args: string[],
  options: ParseArgsConfig['options'],
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    return parseArgs({ args, options: { ...common, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export async function runCli(io: CliIo): Promise<number> {
  const [command, ...rest] = io.argv;
  const log = createLogger((line) => io.stderr.write(line + '\n'));
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(USAGE);
      return command ? 0 : 2;
    }
    if (command === '--version' || command === '-v') {
      io.stdout.write(`${APP_VERSION}\n`);
      return 0;
    }
    loadDotEnv(io.cwd, io.env);
    switch (command) {
      case 'serve':
        return await serve(io, rest, log);
      case 'chat':
        return await chat(io, rest);
      case 'export':
        return await withServices(
          io,
          rest,
          { out: { type: 'string', short: 'o' }, format: { type: 'string' }, chat: { type: 'string' } },
          async (s, values) => {
            const format = (values.format as string | undefined) ?? 'hearth';
            if (format !== 'hearth' && format !== 'markdown') {
              throw new UsageError(`Unknown export format "${format}": use hearth or markdown.`);
            }
            if (format === 'markdown' && !values.chat) {
              throw new UsageError('Markdown export is for one chat: hearth export --format markdown --chat ID');
            }
            const file = s.data.export({ format, chatId: values.chat as string | undefined });
            if (values.out) {
              writeFileSync(values.out as string, file.content);
              const what =
                format === 'markdown'
                  ? 'the chat as Markdown'
                  : `${(JSON.parse(file.content) as { chats: unknown[] }).chats.length} chat(s)`;
              io.stderr.write(`Exported ${what} to ${values.out}\n`);
            } else io.stdout.write(file.content);
            return 0;
          },
        );
      case 'backup':
        return await withServices(io, rest, { out: { type: 'string', short: 'o' } }, async (s, values) => {
          const info = await s.backups.create('manual');
          let where = join(s.backups.folder(), info.name);
          if (values.out) {
            copyFileSync(where, values.out as string);
            rmSync(where, { force: true });
            where = values.out as string;
          }
          const c = info.counts;
          io.stderr.write(
            `Backed up ${c.chats} chat(s), ${c.messages} message(s), ${c.attachments} attachment(s), ${c.images} image(s) ` +
              `to ${where} (${(info.sizeBytes / (1024 * 1024)).toFixed(1)} MB)\n`,
          );
          return 0;
        });
      case 'restore':
        return await restore(io, rest);
      case 'import':
        return await withServices(io, rest, {}, async (s, _values, positionals) => {
          const file = positionals[0];
          if (!file) throw new UsageError('import needs a file: hearth import FILE');
          let text: string;
          try {
            text = readFileSync(file, 'utf8');
          } catch (err) {
            throw new Error(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
          }
          const r = s.data.import(basename(file), text);
          io.stdout.write(
            `Imported ${r.chatsImported} chat(s) and ${r.messagesImported} message(s) from ${file} (${r.format}).\n`,
          );
          if (r.skipped.length) {
            io.stdout.write(`Skipped ${r.skipped.length}:\n`);
            for (const k of r.skipped.slice(0, 50)) io.stdout.write(`  ${k.what}: ${k.why}\n`);
            if (r.skipped.length > 50) io.stdout.write(`  … and ${r.skipped.length - 50} more\n`);
          }
          return 0;
        });
      case 'models':
        return await modelsCommand(io, rest, {
          parse,
          open: (values) => openServices(io, flagsFrom(values), 'cli'),
          usageError: (message) => new UsageError(message),
        });
      case 'sync':
        return await syncCommand(io, rest, {
          parse,
          open: (values) => openServices(io, flagsFrom(values), 'cli'),
          usageError: (message) => new UsageError(message),
        });
      case 'doctor':
        return await withServices(io, rest, {}, async (s) => {
          const lines = await runDoctor(s);
          io.stdout.write(formatDoctor(lines) + '\n');
          return lines.some((l) => l.ok === false) ? 1 : 0;
        });
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`hearth: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr.write(`hearth: ${err instanceof Error ? err.message : String(err)}\n`);
    if (!(err instanceof AppError) && !(err instanceof ServeConfigError) && io.env.HEARTH_DEBUG) {
      io.stderr.write(`${(err as Error).stack}\n`);
    }
    return 1;
  }
}

function flagsFrom(values: Record<string, unknown>): Flags {
  const flags: Flags = {};
  if (typeof values['data-dir'] === 'string') flags.dataDir = values['data-dir'];
  if (typeof values['ollama-base-url'] === 'string') flags.ollamaBaseUrl = values['ollama-base-url'];
  if (typeof values['openai-base-url'] === 'string') flags.openaiBaseUrl = values['openai-base-url'];
  if (typeof values['ollama-path'] === 'string') flags.ollamaPath = values['ollama-path'];
  if (typeof values.host === 'string') flags.host = values.host;
  if (values.port !== undefined) flags.port = parsePort(values.port as string, '--port');
  return flags;
}

function openServices(
  io: CliIo,
  flags: Flags,
  host: 'serve' | 'cli',
  extra: Pick<AppServicesOptions, 'events' | 'reopen'> = {},
): AppServices {
  const dataDir = resolveDataDir(flags.dataDir, io.env);
  const secretKey = io.env.WEBUI_SECRET_KEY?.trim() || undefined;
  return createAppServices({
    ...extra,
    dataDir,
    host,
    env: io.env,
    flags,
    secretsKey: serveSecretsKey(secretKey, join(dataDir, 'secret.key')),
    resourcesDir: io.resourcesDir,
    log: createLogger((line) => io.stderr.write(line + '\n'), (io.env.HEARTH_LOG_LEVEL as 'info') || 'warn'),
  });
}

/** `hearth restore FILE`: on a closed data folder (the app may not start at all). */
async function restore(io: CliIo, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const file = positionals[0];
  if (!file) throw new UsageError('restore needs a backup archive: hearth restore FILE');
  const dataDir = resolveDataDir(flagsFrom(values).dataDir, io.env);
  io.stderr.write(`Checking ${file}…\n`);
  try {
    const { movedAside, manifest } = await restoreArchive({ dataDir, file });
    const c = manifest.counts;
    io.stderr.write(
      `Restored the backup of ${new Date(manifest.createdAt).toLocaleString()}: ${c.chats} chat(s), ${c.messages} message(s), ` +
        `${c.attachments} attachment(s), ${c.images} image(s) into ${dataDir}.\n` +
        `The data that was there is kept in ${movedAside}.\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      io.stderr.write(`Not restored: ${err.message} Nothing in ${dataDir} was changed.\n`);
      return 1;
    }
    throw err;
  }
}

async function withServices(
  io: CliIo,
  args: string[],
  options: ParseArgsConfig['options'],
  body: (s: AppServices, values: Record<string, unknown>, positionals: string[]) => Promise<number>,
): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const services = openServices(io, flagsFrom(values), 'cli');
  try {
    return await body(services, values, positionals);
  } finally {
    await services.close();
  }
}

async function serve(io: CliIo, args: string[], log: ReturnType<typeof createLogger>): Promise<number> {
  const { values } = parse(args, {
    host: { type: 'string' },
    port: { type: 'string', short: 'p' },
    'ollama-path': { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const flags = flagsFrom(values);
  const config = resolveConfig(flags, io.env, {});
  // A restore (Settings → Data) closes the services, swaps the data and opens new ones in place; the
  // event hub outlives them, so open windows keep their WebSocket and hear data.restored.
  const hub = new EventHub();
  const reopen: NonNullable<AppServicesOptions['reopen']> = async (swap) => {
    await current.close();
    let result: { movedAside: string };
    try {
      result = await swap();
    } finally {
      current = openServices(io, flags, 'serve', { events: hub, reopen });
    }
    io.stderr.write(`Restored a backup; the data that was there is kept in ${result.movedAside}\n`);
    hub.emit('data.restored', { movedAside: result.movedAside });
    return result;
  };
  let current = openServices(io, flags, 'serve', { events: hub, reopen });
  const services = {
    get router() {
      return current.router;
    },
    events: hub,
  };
  let server;
  try {
    server = await startServer({
      services,
      host: config.host.value,
      port: config.port.value,
      secretKey: config.secretKey,
      staticDir: io.staticDir,
      log,
      version: APP_VERSION,
    });
  } catch (err) {
    await current.close();
    throw err;
  }
  io.stdout.write(`Hearth ${APP_VERSION} is serving at ${server.openUrl}\n`);
  io.stdout.write(`Data: ${current.info().dataDir}\n`);
  if (server.token) io.stdout.write(`Open the URL above once in a browser; it carries the access token.\n`);
  await new Promise<void>((resolve) => io.onSignal(resolve));
  io.stderr.write('Stopping Hearth…\n');
  // A second Ctrl-C while the bundled Ollama stops is answered instead of cutting the stop short.
  io.onSignal(() => io.stderr.write('Still stopping: waiting for Ollama to exit (a few seconds at most)…\n'));
  await server.close();
  await current.close();
  return 0;
}

async function chat(io: CliIo, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    model: { type: 'string', short: 'm' },
    provider: { type: 'string' },
    chat: { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const model = values.model as string | undefined;
  const prompt = positionals.join(' ').trim();
  if (!model) throw new UsageError('chat needs --model, for example: hearth chat --model llama3.2 "hello"');
  if (!prompt) throw new UsageError('chat needs a prompt: hearth chat --model M "your question"');
  const services = openServices(io, flagsFrom(values), 'cli');
  try {
    await services.ollama.settled();
    const provider = (values.provider as string | undefined) ?? 'ollama';
    if (!services.settings.provider(provider)) {
      const known = services.settings
        .providers()
        .map((p) => p.id)
        .join(', ');
      throw new UsageError(`Unknown provider "${provider}". Configured: ${known}.`);
    }
    // The answer's id is chosen here, so its events are recognised from the first one on.
    const chatId = values.chat as string | undefined;
    const ids = { user: uuidv7(), assistant: uuidv7(), ...(chatId ? {} : { chat: uuidv7() }) };
    const done = new Promise<{ status: string; error: { message: string } | null }>((resolve) => {
      services.events.subscribe((e) => {
        if (e.event === 'message.delta' && e.payload.messageId === ids.assistant) io.stdout.write(e.payload.delta);
        if (e.event === 'message.done' && e.payload.messageId === ids.assistant)
          resolve({ status: e.payload.status, error: e.payload.error });
      });
      void services.router
        .call('messages.send', { chatId, model: `${provider}/${model}`, content: prompt, ids })
        .then((r) => {
          if (!r.ok) return resolve({ status: 'error', error: r.error });
          io.onSignal(() => void services.chats.stop(ids.assistant));
        });
    });
    const result = await done;
    if (result.status === 'error') {
      io.stdout.write('\n');
      io.stderr.write(`hearth: ${result.error?.message ?? 'the answer failed'}\n`);
      return 1;
    }
    io.stdout.write('\n');
    return result.status === 'stopped' ? 130 : 0;
  } finally {
    await services.close();
  }
}
