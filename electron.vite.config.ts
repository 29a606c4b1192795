import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { CONTENT_SECURITY_POLICY } from './electron/serve/static-files';
import pkg from './package.json';

const define = { __HEARTH_VERSION__: JSON.stringify(pkg.version) };

/** Put the strict CSP into the built index.html (file:// in Electron has no response headers). */
function cspMeta(): Plugin {
  return {
    name: 'hearth-csp-meta',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace(
        '<meta charset="UTF-8" />',
        `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY.replace(/; frame-ancestors 'none'/, '')}" />`,
      ),
  };
}

export default defineConfig({
  main: {
    define,
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          cli: resolve(__dirname, 'electron/serve/cli-entry.ts'),
          // Imports run in a worker thread (DataService.importInBackground finds it beside the bundle).
          'import-worker': resolve(__dirname, 'electron/services/chats/importers/import-worker.ts'),
          // A backup's database copy runs in a worker thread (BackupService finds it beside the bundle).
          'backup-worker': resolve(__dirname, 'electron/services/backups/backup-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react(), cspMeta()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: 'esbuild',
      target: 'chrome120',
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
