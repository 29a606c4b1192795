import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'services',
          include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'build/**/*.test.ts', 'bench/**/*.test.ts'],
          environment: 'node',
          // better-sqlite3 is a native addon: run its tests in forked processes.
          pool: 'forks',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'renderer',
          include: ['renderer/src/**/*.test.ts'],
          environment: 'node',
        },
      },
    ],
  },
});
