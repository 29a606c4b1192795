/**
 * Updates, as a pure state machine the shell drives with electron-updater's events and the user's
 * clicks. Hearth never downloads an update by itself: only the user's 'download' does (the shell sets
 * autoUpdater.autoDownload = false and autoInstallOnAppQuit = true). A downloaded update installs
 * when the app quits, or at once with 'restart-now'.
 *
 *   canSelfUpdate({ platform, isPackaged, env, exePath, disabledByUser })  whether this copy can update
 *                                                  itself, and if not why, in plain words
 *   initialUpdaterState(capability)                'off' with the reason, or 'idle'
 *   updaterReducer(state, event) → { state, effects }   effects: check, download, quit-and-install
 *   releaseNotesText(notes)                        electron-updater's notes (HTML, or a list) as plain text
 *   updaterErrorMessage(err)                       an updater error in plain words
 */

export type UpdateOffReason = 'dev' | 'portable' | 'not-appimage' | 'store' | 'read-only' | 'disabled';

export type UpdateCapability = { can: true } | { can: false; reason: UpdateOffReason; message: string };

export interface SelfUpdateInput {
  platform: string;
  isPackaged: boolean;
  env: Record<string, string | undefined>;
  /** process.execPath (on macOS, the executable inside the .app). */
  exePath: string;
  /** Settings → Desktop → check for updates is off. */
  disabledByUser?: boolean;
}

/** Whether this copy of Hearth can update itself; when it cannot, why and what to do instead. */
export function canSelfUpdate(o: SelfUpdateInput): UpdateCapability {
  const off = (reason: UpdateOffReason, message: string): UpdateCapability => ({ can: false, reason, message });
  if (!o.isPackaged) return off('dev', 'Updates are off in a development build.');
  if (o.platform === 'win32') {
    if (o.env.PORTABLE_EXECUTABLE_DIR) {
      return off('portable', 'The portable version does not update itself; download the new version to update.');
    }
    if (/\\WindowsApps\\/i.test(o.exePath)) return off('store', 'This copy is updated by the Microsoft Store.');
  }
  if (o.platform === 'linux') {
    if (o.env.SNAP) return off('store', 'This copy is updated by Snap.');
    if (o.env.FLATPAK_ID) return off('store', 'This copy is updated by Flatpak.');
    if (!o.env.APPIMAGE) {
      return off('not-appimage', 'Only the AppImage updates itself; update this copy with your package manager.');
    }
  }
  if (o.platform === 'darwin') {
    if (o.exePath.startsWith('/Volumes/') || o.exePath.includes('/AppTranslocation/')) {
      return off('read-only', 'Move Hearth to the Applications folder to get updates.');
    }
  }
  if (o.disabledByUser) return off('disabled', 'Update checks are off; turn them on in Settings → Desktop.');
  return { can: true };
}

export type UpdaterState =
  | { status: 'off'; reason: UpdateOffReason; message: string }
  | { status: 'idle'; lastCheckedAt: number | null }
  | { status: 'checking'; userAsked: boolean }
  | { status: 'available'; version: string; notes: string }
  | { status: 'downloading'; version: string; percent: number; bytesPerSecond: number }
  /** Installs when the app quits. */
  | { status: 'ready'; version: string }
  | { status: 'error'; message: string; lastCheckedAt: number | null };

export type UpdaterEvent =
  /** A check: from the timer (userAsked false) or the "Check for updates" button. */
  | { type: 'check'; userAsked?: boolean }
  | { type: 'not-available'; at: number }
  | { type: 'available'; version: string; notes?: unknown }
  /** The user's click: the only way a download starts. */
  | { type: 'download' }
  | { type: 'progress'; percent: number; bytesPerSecond: number }
  | { type: 'downloaded'; version: string }
  | { type: 'error'; message: string }
  /** The user's click on "Restart now" once an update is ready. */
  | { type: 'restart-now' }
  /** Settings changed what canSelfUpdate says (e.g. the user turned checks off or on). */
  | { type: 'capability'; capability: UpdateCapability };

export type UpdaterEffect = { type: 'check' } | { type: 'download' } | { type: 'quit-and-install' };

export interface UpdaterResult {
  state: UpdaterState;
  effects: UpdaterEffect[];
}

export function initialUpdaterState(capability: UpdateCapability): UpdaterState {
  return capability.can
    ? { status: 'idle', lastCheckedAt: null }
    : { status: 'off', reason: capability.reason, message: capability.message };
}

const same = (state: UpdaterState): UpdaterResult => ({ state, effects: [] });
const lastChecked = (s: UpdaterState) => ('lastCheckedAt' in s ? s.lastCheckedAt : null);

function clampPercent(p: number): number {
  return Number.isFinite(p) ? Math.min(100, Math.max(0, p)) : 0;
}

export function updaterReducer(s: UpdaterState, e: UpdaterEvent): UpdaterResult {
  if (e.type === 'capability') {
    if (!e.capability.can) return same(initialUpdaterState(e.capability));
    return same(s.status === 'off' ? { status: 'idle', lastCheckedAt: null } : s);
  }
  // Off means off: nothing from the updater or the user changes that but a new capability.
  if (s.status === 'off') return same(s);

  switch (e.type) {
    case 'check':
      // Nothing to look for while a check runs or once an update is found, downloading or ready.
      if (s.status !== 'idle' && s.status !== 'error') return same(s);
      return { state: { status: 'checking', userAsked: !!e.userAsked }, effects: [{ type: 'check' }] };

    case 'not-available':
      if (s.status !== 'checking') return same(s);
      return same({ status: 'idle', lastCheckedAt: e.at });

    case 'available':
      if (s.status !== 'checking' && s.status !== 'idle' && s.status !== 'error') return same(s);
      return same({ status: 'available', version: String(e.version), notes: releaseNotesText(e.notes) });

    case 'download':
      if (s.status !== 'available') return same(s);
      return {
        state: { status: 'downloading', version: s.version, percent: 0, bytesPerSecond: 0 },
        effects: [{ type: 'download' }],
      };

    case 'progress':
      if (s.status !== 'downloading') return same(s);
      return same({
        ...s,
        // The bar never goes back (electron-updater's percent can wobble on retries).
        percent: Math.max(s.percent, clampPercent(e.percent)),
        bytesPerSecond: Number.isFinite(e.bytesPerSecond) && e.bytesPerSecond > 0 ? e.bytesPerSecond : 0,
      });

    case 'downloaded':
      if (s.status !== 'downloading') return same(s);
      return same({ status: 'ready', version: s.version });

    case 'error':
      // A failed check or download. A ready update stays ready: it is already on disk.
      if (s.status === 'ready') return same(s);
      return same({ status: 'error', message: e.message || 'The update failed.', lastCheckedAt: lastChecked(s) });

    case 'restart-now':
      if (s.status !== 'ready') return same(s);
      return { state: s, effects: [{ type: 'quit-and-install' }] };
  }
}

/** One line for Settings → Desktop and the tray (the version, the percent and speed while downloading). */
export function updaterStatusText(s: UpdaterState): string {
  switch (s.status) {
    case 'off':
      return s.message;
    case 'idle':
      return s.lastCheckedAt === null ? 'Hearth checks for updates by itself.' : 'Hearth is up to date.';
    case 'checking':
      return 'Checking for updates…';
    case 'available':
      return `Hearth ${s.version} is available.`;
    case 'downloading': {
      const speed = s.bytesPerSecond > 0 ? ` (${formatSpeed(s.bytesPerSecond)})` : '';
      return `Downloading Hearth ${s.version}: ${Math.floor(s.percent)}%${speed}`;
    }
    case 'ready':
      return `Hearth ${s.version} will be installed when you quit.`;
    case 'error':
      return s.message;
  }
}

function formatSpeed(bps: number): string {
  if (bps >= 1024 * 1024) return `${(bps / (1024 * 1024)).toFixed(1)} MB/s`;
  if (bps >= 1024) return `${Math.round(bps / 1024)} KB/s`;
  return `${Math.round(bps)} B/s`;
}

const NOTES_MAX = 10_000;

/**
 * Release notes as plain text: electron-updater gives HTML (from GitHub releases), plain text, or a
 * list of { version, note }. Tags are removed, block ends become new lines, entities decoded.
 */
export function releaseNotesText(notes: unknown): string {
  let text: string;
  if (typeof notes === 'string') text = notes;
  else if (Array.isArray(notes)) {
    text = notes
      .map((n) => {
        if (!n || typeof n !== 'object') return '';
        const o = n as { version?: unknown; note?: unknown };
        const body = typeof o.note === 'string' ? o.note : '';
        return typeof o.version === 'string' ? `${o.version}\n${body}` : body;
      })
      .filter((t) => t.trim() !== '')
      .join('\n\n');
  } else return '';
  text = text
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?(-->|$)/g, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n• ')
    .replace(/<\/(p|div|h[1-6]|ul|ol|pre|blockquote|tr)\s*>/gi, '\n')
    .replace(/<\/?[a-z][^<>]*>/gi, '')
    .replace(/&(lt|gt|amp|quot|#39|apos|nbsp);/g, (_m, e: string) =>
      e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'amp' ? '&' : e === 'quot' ? '"' : e === 'nbsp' ? ' ' : "'",
    )
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.length > NOTES_MAX ? `${text.slice(0, NOTES_MAX - 1)}…` : text;
}

/** An error from electron-updater in plain words. */
export function updaterErrorMessage(err: unknown): string {
  const raw = err instanceof Error ? `${(err as { code?: unknown }).code ?? ''} ${err.message}` : String(err ?? '');
  if (
    /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|net::ERR_(INTERNET_DISCONNECTED|NAME_NOT_RESOLVED|NETWORK_CHANGED|CONNECTION)/i.test(
      raw,
    )
  ) {
    return 'Could not check for updates: Hearth cannot reach the internet.';
  }
  if (/\b404\b|Cannot find (latest|channel)|No published versions/i.test(raw)) {
    return 'No update information was found for this version.';
  }
  if (/sha512 checksum mismatch|signature|not signed|code sign|ERR_UPDATER_INVALID_SIGNATURE/i.test(raw)) {
    return 'The downloaded update could not be verified, so it was not installed.';
  }
  if (/ENOSPC/i.test(raw)) return 'There is not enough disk space to download the update.';
  if (/EACCES|EPERM/i.test(raw)) return 'Hearth is not allowed to replace its own files; install the update by hand.';
  return 'The update failed; Hearth will try again later.';
}
