/** Process entry of the `hearth` command (bundled to out/main/cli.js). */
import { join } from 'node:path';
import { runCli } from './cli';

/*
 * `hearth export | head`: the reader went away (EPIPE). Stop quietly, as Unix tools do: no stack
 * trace, exit 0. Not by exiting on the spot: the command is asked to stop as on Ctrl-C, so an answer
 * being streamed is saved as stopped and an Ollama server Hearth started is stopped, not left behind.
 * Later output is dropped.
 */
let pipeClosed = false;
const stopHandlers = new Set<() => void>();
function onBrokenPipe(): void {
  if (pipeClosed) return;
  pipeClosed = true;
  for (const stop of [...stopHandlers]) stop();
  // Last resort if something keeps the command from ending (the clean stop is capped well below this).
  setTimeout(() => process.exit(0), 30_000).unref();
}
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return onBrokenPipe();
    throw err;
  });
}
const writer = (stream: NodeJS.WriteStream) => ({
  write: (s: string) => (pipeClosed || stream.destroyed ? true : stream.write(s)),
  // `hearth models pull` draws its progress bar on a terminal.
  get isTTY() {
    return stream.isTTY;
  },
  get columns() {
    return stream.columns;
  },
});

runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: writer(process.stdout),
  stderr: writer(process.stderr),
  staticDir: process.env.HEARTH_STATIC_DIR ?? join(__dirname, '../renderer'),
  // This file runs as <package>/out/main/cli.js (from source and under `npx hearth` alike).
  resourcesDir: join(__dirname, '../../resources'),
  onSignal(handler) {
    // One call per registration, whether Ctrl-C, SIGTERM or the reader going away comes first.
    const once = () => {
      process.off('SIGINT', once);
      process.off('SIGTERM', once);
      stopHandlers.delete(once);
      handler();
    };
    if (pipeClosed) return void setImmediate(handler);
    process.once('SIGINT', once);
    process.once('SIGTERM', once);
    stopHandlers.add(once);
  },
}).then(
  (code) => {
    // Stopped because the reader went away (a stopped chat or pull says 130): the quiet exit.
    process.exitCode = pipeClosed ? 0 : code;
  },
  (err) => {
    if (!pipeClosed) process.stderr.write(`hearth: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = pipeClosed ? 0 : 1;
  },
);
