/**
 * Playwright against the packaged Electron app (not the browser specs in e2e/, which the root
 * playwright.config.ts runs). Run by CI's electron-smoke job after `npx electron-builder --dir --linux`:
 *
 *   xvfb-run --auto-servernum -- npx playwright test --config e2e-electron/playwright.config.ts
 *
 * One app at a time: each test starts the real binary with its own data folder.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // Inside the folders .gitignore already ignores.
  outputDir: '../test-results/electron',
  reporter: [['list'], ['html', { open: 'never', outputFolder: '../playwright-report/electron' }]],
});
