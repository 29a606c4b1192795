/**
 * electron-builder `afterSign` hook: sends the signed macOS app to Apple's notary service with
 * @electron/notarize (notarytool) and staples the ticket, so Gatekeeper opens it without a warning.
 *
 *   afterSign(context)                  the hook electron-builder calls (module.exports and .default)
 *   createAfterSign({ notarize, … })    the same hook with its dependencies injected (tests)
 *   notarizeCredentials(env)            { appleId, appleIdPassword, teamId } or the names missing
 *
 * Needs APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD (an app-specific password, not the account's) and
 * APPLE_TEAM_ID. Without them it logs "skipped: …" and returns: a build without Apple secrets (a fork,
 * a pull request, a local build) still produces its installers. A notarisation Apple rejects does fail
 * the build. electron-builder's own notarisation is off (mac.notarize: false) so it runs once, here.
 * electron-builder calls afterSign only after it signed something, i.e. with a signing identity.
 */
'use strict';

const path = require('node:path');

const REQUIRED = ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'];

function notarizeCredentials(env = process.env) {
  const missing = REQUIRED.filter((name) => !env[name] || !env[name].trim());
  if (missing.length) return { missing };
  return {
    appleId: env.APPLE_ID.trim(),
    appleIdPassword: env.APPLE_APP_SPECIFIC_PASSWORD.trim(),
    teamId: env.APPLE_TEAM_ID.trim(),
  };
}

function createAfterSign({ notarize, env = process.env, log = console.log } = {}) {
  return async function afterSign(context) {
    const { electronPlatformName, appOutDir, packager } = context;
    if (electronPlatformName !== 'darwin') {
      log(`  • notarize: skipped: ${electronPlatformName} builds are not notarised (macOS only)`);
      return;
    }
    const credentials = notarizeCredentials(env);
    if (credentials.missing) {
      log(
        `  • notarize: skipped: ${credentials.missing.join(', ')} not set; the app is signed but not notarised ` +
          '(Gatekeeper will warn on first open)',
      );
      return;
    }
    const appPath = path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    log(`  • notarize: submitting ${path.basename(appPath)} to Apple (team ${credentials.teamId}); this takes minutes`);
    await (notarize ?? require('@electron/notarize').notarize)({
      appPath,
      appleId: credentials.appleId,
      appleIdPassword: credentials.appleIdPassword,
      teamId: credentials.teamId,
    });
    log(`  • notarize: done, ticket stapled to ${path.basename(appPath)}`);
  };
}

const afterSign = createAfterSign();

module.exports = afterSign;
module.exports.default = afterSign;
module.exports.createAfterSign = createAfterSign;
module.exports.notarizeCredentials = notarizeCredentials;
