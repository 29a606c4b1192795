/** Process entry of the `hearth` command (bundled to out/main/cli.js). */
import { join } from 'node:path';
import { runCli } from './cli';

// `hearth export | head`: the reader went away. Stop quietly, as Unix tools do, without a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  staticDir: process.env.HEARTH_STATIC_DIR ?? join(__dirname, '../renderer'),
  // This file runs as <package>/out/main/cli.js (from source and under `npx hearth` alike).
  resourcesDir: join(__dirname, '../../resources'),
  onSignal(handler) {
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`hearth: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
