/**
 * electron-builder `afterPack` hook: flips Electron's fuses in the packaged binary before it is signed
 * (fuses are bits baked into the Electron executable; changing them afterwards would break the
 * signature). See https://www.electronjs.org/docs/latest/tutorial/fuses.
 *
 *   afterPack(context)                  the hook electron-builder calls (module.exports and .default)
 *   createAfterPack({ flipFuses, … })   the same hook with its dependencies injected (tests)
 *   fuseConfig({ platform, arch, env }) the config passed to @electron/fuses' flipFuses
 *
 * HEARTH_FUSES_ALLOW_INSPECT=1 keeps EnableNodeCliInspectArguments on, for the CI smoke test only:
 * Playwright drives a packaged Electron app through the Node inspector (`--inspect=0`). It is refused
 * on a tag build (GITHUB_REF_TYPE=tag), so a release never ships with it.
 */
'use strict';

const path = require('node:path');

/** builder-util's Arch enum (context.arch is its number). */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

function archName(arch) {
  return typeof arch === 'number' ? (ARCH_NAMES[arch] ?? String(arch)) : String(arch);
}

/** The Electron executable electron-builder produced (flipFuses takes the .app bundle on macOS). */
function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    default:
      return path.join(appOutDir, packager.executableName);
  }
}

function fuseConfig({ platform, arch, env = process.env, fuses = require('@electron/fuses') }) {
  const { FuseVersion, FuseV1Options } = fuses;
  const allowInspect = env.HEARTH_FUSES_ALLOW_INSPECT === '1';
  if (allowInspect && env.GITHUB_REF_TYPE === 'tag') {
    throw new Error(
      'HEARTH_FUSES_ALLOW_INSPECT=1 is for test builds only and is refused on a tag build: release installers never allow --inspect.',
    );
  }
  return {
    version: FuseVersion.V1,
    // Flipping a fuse rewrites the binary and voids the ad-hoc signature Electron ships with; Apple
    // silicon refuses to run unsigned code, so re-sign ad hoc there (a real identity signs after this).
    resetAdHocDarwinSignature: platform === 'darwin' && (arch === 'arm64' || arch === 'universal'),
    // Off: ELECTRON_RUN_AS_NODE would turn Hearth's signed binary into a plain Node.js that runs any
    // script with the app's identity and permissions (a known persistence and bypass trick). Hearth
    // never runs itself as Node: `hearth serve` uses the system's Node.
    [FuseV1Options.RunAsNode]: false,
    // On: cookies and other Chromium storage are encrypted at rest with an OS-protected key (Keychain,
    // DPAPI, libsecret), like Chrome. Keep it on once shipped: turning it off later would leave the
    // cookies already encrypted on users' disks unreadable.
    [FuseV1Options.EnableCookieEncryption]: true,
    // Off: NODE_OPTIONS could preload code into the main process (`--require`) from the environment.
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    // Off: --inspect and friends would let anyone who can start the app attach a debugger to the main
    // process and run code with full privileges. (On only in the CI smoke build, see above.)
    [FuseV1Options.EnableNodeCliInspectArguments]: allowInspect,
    // On: Electron checks app.asar against the hash electron-builder embeds (Info.plist on macOS, a
    // resource on Windows) and refuses a tampered archive. Linux has no embedded hash; there it is a no-op.
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    // On: load the app only from app.asar (the checked archive), never from a loose resources/app/
    // folder someone put beside it.
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    // Left at their defaults: LoadBrowserProcessSpecificV8Snapshot (no custom snapshot) and
    // GrantFileProtocolExtraPrivileges (the renderer is loaded from file://; window navigation is
    // locked down in electron/main instead).
  };
}

function createAfterPack({ flipFuses, fuses, env = process.env, log = console.log } = {}) {
  return async function afterPack(context) {
    const platform = context.electronPlatformName;
    const arch = archName(context.arch);
    const config = fuseConfig({ platform, arch, env, fuses });
    const binary = electronBinary(context);
    if (config[(fuses ?? require('@electron/fuses')).FuseV1Options.EnableNodeCliInspectArguments]) {
      log(
        `  • fuses: WARNING EnableNodeCliInspectArguments left ON (HEARTH_FUSES_ALLOW_INSPECT=1): a test build, not for release`,
      );
    }
    log(`  • fuses: flipping ${path.basename(binary)} (${platform} ${arch})`);
    await (flipFuses ?? require('@electron/fuses').flipFuses)(binary, config);
  };
}

const afterPack = createAfterPack();

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.createAfterPack = createAfterPack;
module.exports.fuseConfig = fuseConfig;
module.exports.electronBinary = electronBinary;
