/**
 * electron-builder.yml and its hooks, without building anything: the config passes electron-builder's
 * own schema; targets and arches per OS; asar with better-sqlite3 unpacked; the bundled Ollama and
 * the tray icons in extraResources; hearth://; the draft GitHub publish; the afterPack hook flips each
 * fuse as documented (a fake flipFuses captures the config); the afterSign hook notarises only with
 * all three Apple secrets and otherwise logs "skipped: …". Also the release and smoke workflows' shape.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type * as Fuses from '@electron/fuses';

const ROOT = join(__dirname, '..');
const require = createRequire(__filename);

// electron-builder's own modules (app-builder-lib comes with electron-builder): its schema check, its
// hook loader and the glob matcher it applies to `files` and `asarUnpack`.
const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'));
const { validateConfiguration } = builderRequire('./out/util/config/config') as {
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
};
const { resolveFunction } = builderRequire('./out/util/resolve') as {
  resolveFunction(type: unknown, executor: unknown, name: string, rootSearchDir: string): Promise<unknown>;
};
const { DebugLogger } = builderRequire('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const { minimatch } = builderRequire('minimatch') as {
  minimatch(path: string, pattern: string, options?: { dot?: boolean }): boolean;
};
const { FuseV1Options, FuseVersion } = require('@electron/fuses') as typeof Fuses;

interface Target {
  target: string;
  arch?: string[];
}
interface ExtraResource {
  from: string;
  to: string;
  filter?: string[];
}
interface PlatformConfig {
  target: (string | Target)[];
  extraResources?: ExtraResource[];
  icon?: string;
  [key: string]: unknown;
}
interface BuilderConfig {
  appId: string;
  productName: string;
  asar: boolean;
  asarUnpack: string[];
  files: string[];
  npmRebuild: boolean;
  afterPack: string;
  afterSign: string;
  protocols: { name: string; schemes: string[] }[];
  publish: { provider: string; releaseType?: string };
  extraResources: ExtraResource[];
  linux: PlatformConfig;
  win: PlatformConfig;
  mac: PlatformConfig;
  [key: string]: unknown;
}

const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

/** target name → arches, from a platform's `target` list. */
function targets(platform: PlatformConfig): Record<string, string[]> {
  return Object.fromEntries(
    platform.target.map((t) => (typeof t === 'string' ? [t, ['(default)']] : [t.target, t.arch ?? ['(default)']])),
  );
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's configuration schema", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the app', () => {
    expect(config.appId).toBe('app.hearth.desktop');
    expect(config.productName).toBe('Hearth');
    expect(config.linux.executableName).toBe('hearth');
  });

  it('builds AppImage, deb and rpm (x64) on Linux, NSIS x64 + arm64 on Windows, dmg x64 + arm64 on macOS', () => {
    expect(targets(config.linux)).toEqual({ AppImage: ['x64'], deb: ['x64'], rpm: ['x64'] });
    expect(targets(config.win)).toEqual({ nsis: ['x64', 'arm64'] });
    expect(targets(config.mac)).toEqual({ dmg: ['x64', 'arm64'] });
  });

  it('uses the generated icons for each OS', () => {
    expect(config.linux.icon).toBe('build/icons');
    expect(config.win.icon).toBe('build/icon.ico');
    expect(config.mac.icon).toBe('build/icon.icns');
    for (const icon of ['build/icons/256x256.png', 'build/icon.ico', 'build/icon.icns']) {
      expect(existsSync(join(ROOT, icon)), icon).toBe(true);
    }
  });

  it('describes the Linux desktop entry (category, names)', () => {
    expect(config.linux.category).toBe('Utility');
    expect(config.linux.synopsis).toBeTruthy();
    const entry = (config.linux.desktop as { entry: Record<string, string> }).entry;
    expect(entry.GenericName).toBeTruthy();
    // Exec and MimeType come from electron-builder (executableName, protocols); setting them here breaks that.
    expect(entry.Exec).toBeUndefined();
    expect(entry.MimeType).toBeUndefined();
  });

  it('packs the app into app.asar with better_sqlite3.node unpacked and rebuilt for Electron', () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(true);
    const binding = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    expect(config.asarUnpack.some((p) => minimatch(binding, p, { dot: true }))).toBe(true);
    // …and no `files` exclusion drops it.
    const exclusions = config.files.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    expect(exclusions.filter((p) => minimatch(binding, p, { dot: true }))).toEqual([]);
    expect(exclusions.some((p) => minimatch('node_modules/better-sqlite3/src/better_sqlite3.cpp', p))).toBe(true);
  });

  it.each([
    ['linux', 'linux'],
    ['win', 'win32'],
    ['mac', 'darwin'],
  ] as const)('bundles the Ollama runtime for %s targets (resources/ollama/%s-${arch})', (key, platform) => {
    expect(config[key].extraResources).toContainEqual({
      from: `resources/ollama/${platform}-\${arch}`,
      to: `ollama/${platform}-\${arch}`,
    });
  });

  it('ships the tray icons as <resources>/tray/, every name tray-state.ts asks for', () => {
    const tray = config.extraResources.find((r) => r.to === 'tray');
    expect(tray).toMatchObject({ from: 'build/tray' });
    for (const state of ['idle', 'answering', 'down']) {
      const names = [
        `tray-${state}-light.png`,
        `tray-${state}-dark.png`,
        `tray-${state}Template.png`,
        `tray-${state}-light@2x.png`,
        `tray-${state}-dark@2x.png`,
        `tray-${state}Template@2x.png`,
      ];
      for (const name of names) {
        expect(existsSync(join(ROOT, 'build/tray', name)), name).toBe(true);
        expect(tray!.filter!.some((f) => minimatch(name, f))).toBe(true);
      }
    }
  });

  it('registers hearth:// and publishes to a draft GitHub release', () => {
    expect(config.protocols.flatMap((p) => p.schemes)).toContain('hearth');
    expect(config.publish).toEqual({ provider: 'github', releaseType: 'draft' });
  });

  it('signs macOS builds with the hardened runtime and only the JIT entitlement; notarises once (the hook)', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.notarize).toBe(false);
    expect(config.mac.entitlements).toBe('build/entitlements.mac.plist');
    expect(config.mac.entitlementsInherit).toBe('build/entitlements.mac.plist');
    const plist = readFileSync(join(ROOT, 'build/entitlements.mac.plist'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>\s*<(true|false)\/>/g)].map((m) => [m[1], m[2]]);
    expect(keys).toEqual([['com.apple.security.cs.allow-jit', 'true']]);
  });

  it.each([
    ['afterPack', 'build/fuses.cjs'],
    ['afterSign', 'build/notarize.cjs'],
  ] as const)('%s is %s and electron-builder loads a function from it', async (hook, file) => {
    expect(config[hook]).toBe(file);
    expect(existsSync(join(ROOT, file))).toBe(true);
    const fn = await resolveFunction(undefined, config[hook], hook, ROOT);
    expect(typeof fn).toBe('function');
  });
});

// --- build/fuses.cjs ---------------------------------------------------------------------------------

interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName: string };
}
type Hook = (context: PackContext) => Promise<void>;
interface FusesModule {
  createAfterPack(deps: {
    flipFuses: (binary: string, config: Record<string | number, unknown>) => Promise<number>;
    env?: Record<string, string | undefined>;
    log?: (line: string) => void;
  }): Hook;
}

const fusesHook = require('./fuses.cjs') as FusesModule;
/** builder-util's Arch enum values. */
const ARCH = { x64: 1, arm64: 3 } as const;

function packContext(electronPlatformName: string, arch: number): PackContext {
  return {
    appOutDir: '/tmp/out',
    electronPlatformName,
    arch,
    packager: { appInfo: { productFilename: 'Hearth' }, executableName: 'hearth' },
  };
}

async function flipWith(platform: string, arch: number, env: Record<string, string | undefined> = {}) {
  const calls: { binary: string; config: Record<string | number, unknown> }[] = [];
  const lines: string[] = [];
  const hook = fusesHook.createAfterPack({
    flipFuses: async (binary, config) => {
      calls.push({ binary, config });
      return 0;
    },
    env,
    log: (line) => lines.push(line),
  });
  await hook(packContext(platform, arch));
  expect(calls).toHaveLength(1);
  return { ...calls[0]!, lines };
}

describe('build/fuses.cjs (afterPack)', () => {
  it('sets each fuse as documented', async () => {
    const { config } = await flipWith('linux', ARCH.x64);
    expect(config.version).toBe(FuseVersion.V1);
    expect(config[FuseV1Options.RunAsNode]).toBe(false);
    expect(config[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(config[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(config[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(config[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(config[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    // The renderer loads from file://: that fuse keeps its default.
    expect(config[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBeUndefined();
  });

  it.each([
    ['linux', ARCH.x64, '/tmp/out/hearth', false],
    ['win32', ARCH.x64, '/tmp/out/Hearth.exe', false],
    ['win32', ARCH.arm64, '/tmp/out/Hearth.exe', false],
    ['darwin', ARCH.x64, '/tmp/out/Hearth.app', false],
    ['darwin', ARCH.arm64, '/tmp/out/Hearth.app', true],
  ])('%s (arch %i): flips %s, re-signs ad hoc: %s', async (platform, arch, binary, resign) => {
    const r = await flipWith(platform, arch);
    expect(r.binary.replace(/\\/g, '/')).toBe(binary);
    expect(r.config.resetAdHocDarwinSignature).toBe(resign);
  });

  it('keeps --inspect only for a test build with HEARTH_FUSES_ALLOW_INSPECT=1, and says so', async () => {
    const r = await flipWith('linux', ARCH.x64, { HEARTH_FUSES_ALLOW_INSPECT: '1' });
    expect(r.config[FuseV1Options.EnableNodeCliInspectArguments]).toBe(true);
    expect(r.config[FuseV1Options.RunAsNode]).toBe(false);
    expect(r.lines.join('\n')).toMatch(/WARNING EnableNodeCliInspectArguments left ON/);
  });

  it('refuses HEARTH_FUSES_ALLOW_INSPECT on a tag (release) build', async () => {
    const hook = fusesHook.createAfterPack({
      flipFuses: async () => 0,
      env: { HEARTH_FUSES_ALLOW_INSPECT: '1', GITHUB_REF_TYPE: 'tag' },
      log: () => {},
    });
    await expect(hook(packContext('linux', ARCH.x64))).rejects.toThrow(/refused on a tag build/);
  });
});

// --- build/notarize.cjs ------------------------------------------------------------------------------

interface NotarizeModule {
  createAfterSign(deps: {
    notarize: (options: Record<string, string>) => Promise<void>;
    env?: Record<string, string | undefined>;
    log?: (line: string) => void;
  }): Hook;
}
const notarizeHook = require('./notarize.cjs') as NotarizeModule;
const SECRETS = {
  APPLE_ID: 'dev@example.com',
  APPLE_APP_SPECIFIC_PASSWORD: 'abcd-efgh-ijkl-mnop',
  APPLE_TEAM_ID: 'TEAM123456',
};

async function signWith(platform: string, env: Record<string, string | undefined>, notarize = async () => {}) {
  const calls: Record<string, string>[] = [];
  const lines: string[] = [];
  const hook = notarizeHook.createAfterSign({
    notarize: async (options) => {
      calls.push(options);
      await notarize();
    },
    env,
    log: (line) => lines.push(line),
  });
  await hook(packContext(platform, ARCH.arm64));
  return { calls, log: lines.join('\n') };
}

describe('build/notarize.cjs (afterSign)', () => {
  it('skips without the Apple secrets, naming them, and does not fail the build', async () => {
    const { calls, log } = await signWith('darwin', {});
    expect(calls).toEqual([]);
    expect(log).toMatch(/skipped: APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID not set/);
  });

  it('skips when only some are set (or blank), naming the missing ones', async () => {
    const { calls, log } = await signWith('darwin', { APPLE_ID: 'dev@example.com', APPLE_TEAM_ID: '  ' });
    expect(calls).toEqual([]);
    expect(log).toMatch(/skipped: APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID not set/);
  });

  it('skips other platforms', async () => {
    const { calls, log } = await signWith('win32', SECRETS);
    expect(calls).toEqual([]);
    expect(log).toMatch(/skipped: win32/);
  });

  it('notarises the .app with notarytool credentials when all three are set', async () => {
    const { calls, log } = await signWith('darwin', SECRETS);
    expect(calls).toHaveLength(1);
    expect({ ...calls[0], appPath: calls[0]!.appPath!.replace(/\\/g, '/') }).toEqual({
      appPath: '/tmp/out/Hearth.app',
      appleId: SECRETS.APPLE_ID,
      appleIdPassword: SECRETS.APPLE_APP_SPECIFIC_PASSWORD,
      teamId: SECRETS.APPLE_TEAM_ID,
    });
    expect(log).not.toContain(SECRETS.APPLE_APP_SPECIFIC_PASSWORD);
  });

  it('fails the build when Apple rejects the submission', async () => {
    await expect(
      signWith('darwin', SECRETS, async () => {
        throw new Error('notarization failed: Invalid');
      }),
    ).rejects.toThrow(/Invalid/);
  });
});

// --- the workflows that use all this ----------------------------------------------------------------

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    {
      'runs-on': string;
      needs?: string | string[];
      strategy?: { matrix: { include?: Record<string, string>[] } };
      steps: { name?: string; run?: string; uses?: string; env?: Record<string, string> }[];
    }
  >;
}
const workflow = (name: string) => parse(readFileSync(join(ROOT, '.github/workflows', name), 'utf8')) as Workflow;

describe('.github/workflows', () => {
  it('release.yml: a v* tag builds on Linux, Windows and macOS, then drafts a release with SHA256SUMS', () => {
    const release = workflow('release.yml');
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    const oses = release.jobs.build!.strategy!.matrix.include!.map((m) => m.os);
    expect(oses).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
    const buildRuns = release.jobs.build!.steps.map((s) => s.run ?? '').join('\n');
    expect(buildRuns).toMatch(/build\/fetch-ollama\.mjs/);
    expect(buildRuns).toMatch(/electron-builder .*--publish never/);
    expect(buildRuns).not.toMatch(/HEARTH_FUSES_ALLOW_INSPECT/);
    const draft = release.jobs.release!;
    expect(draft.needs).toBe('build');
    const draftRuns = draft.steps.map((s) => s.run ?? '').join('\n');
    expect(draftRuns).toMatch(/SHA256SUMS/);
    expect(draftRuns).toMatch(/gh release create[\s\S]*--draft/);
  });

  it('ci.yml: electron-smoke packages for Linux (inspect fuse kept for Playwright) and runs e2e-electron', () => {
    const smoke = workflow('ci.yml').jobs['electron-smoke']!;
    expect(smoke['runs-on']).toBe('ubuntu-latest');
    const runs = smoke.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/npx electron-builder --dir --linux/);
    expect(runs).toMatch(/xvfb-run .*playwright test --config e2e-electron\/playwright\.config\.ts/);
    const pack = smoke.steps.find((s) => s.run?.includes('electron-builder'));
    expect(pack?.env?.HEARTH_FUSES_ALLOW_INSPECT).toBe('1');
  });
});
