/**
 * The desktop settings (quick prompt shortcut, tray habits, notifications, update checks) and what the
 * desktop shell does for the renderer, behind the contract's desktop.* and updates.* methods.
 *
 *   view()                     settings + shortcut registration + updater state (desktop.get)
 *   update(patch)              validates, stores, re-registers the shortcut (a taken one is refused in
 *                              plain words and the previous one kept), lets the shell apply the rest
 *   start()                    the shell calls it once its host is ready: registers the stored shortcut
 *   readClipboard / hideQuickPrompt / openInMain / checkUpdates / downloadUpdate / installUpdate
 *
 * Stored as one JSON value, settings key `desktop`; a field never set takes its default, and the
 * shortcut stored as null means "no shortcut".
 */
import type { ClipboardContent } from '../../../shared/desktop/quick-prompt';
import { describeRegistration, resolveShortcut, validateShortcut } from '../../../shared/desktop/shortcut';
import type { UpdaterState } from '../../../shared/desktop/updater-state';
import { DEFAULT_DESKTOP_SETTINGS, type DesktopSettings, type DesktopView } from '../../../shared/types/desktop';
import type { MethodParsedInput } from '../../../shared/contract';
import { AppError } from '../../../shared/types/errors';
import type { EventHub } from '../events';
import type { SettingsRepo } from '../store/settings-repo';
import type { Logger } from '../util/logger';
import type { DesktopHost } from './desktop-host';

const KEY = 'desktop';

type Stored = Partial<DesktopSettings>;

export class DesktopService {
  private seq = 0;
  private shortcutReport: { accelerator: string | null; ok: boolean; message: string } | null = null;

  constructor(
    private readonly d: {
      settings: SettingsRepo;
      events: EventHub;
      log: Logger;
      version: string;
      host?: DesktopHost;
      /** process.platform where no host says otherwise (serve). */
      platform?: string;
    },
  ) {
    d.host?.updater?.onChange(() => this.changed());
  }

  private get platform(): string {
    return this.d.host?.platform ?? this.d.platform ?? process.platform;
  }

  private stored(): Stored {
    const v = this.d.settings.get<Stored>(KEY);
    return v && typeof v === 'object' ? v : {};
  }

  settings(): DesktopSettings {
    const s = this.stored();
    const out: DesktopSettings = { ...DEFAULT_DESKTOP_SETTINGS };
    for (const k of Object.keys(DEFAULT_DESKTOP_SETTINGS) as (keyof DesktopSettings)[]) {
      const v = s[k];
      if (k === 'quickPromptShortcut' || k === 'quickPromptModel') {
        if (v === null || typeof v === 'string') (out as unknown as Record<string, unknown>)[k] = v;
      } else if (typeof v === 'boolean') (out as unknown as Record<string, unknown>)[k] = v;
    }
    // A stored shortcut that no longer validates (hand-edited, another platform's) falls back to the default.
    out.quickPromptShortcut = resolveShortcut(s.quickPromptShortcut, this.platform).accelerator;
    return out;
  }

  view(): DesktopView {
    return {
      settings: this.settings(),
      desktop: !!this.d.host,
      platform: this.platform,
      shortcut: this.d.host ? this.shortcutReport : null,
      updates: this.d.host?.updater?.state() ?? null,
      version: this.d.version,
      seq: this.seq,
    };
  }

  private changed(): void {
    this.seq += 1;
    this.d.events.emit('desktop.changed', this.view());
  }

  /** Register the stored shortcut and apply the rest (the shell calls this once its windows exist). */
  start(): void {
    const host = this.d.host;
    if (!host) return;
    const resolved = resolveShortcut(this.stored().quickPromptShortcut, this.platform);
    if (resolved.problem) this.d.log.warn(resolved.problem);
    this.register(resolved.accelerator);
    host.apply(this.settings());
    this.changed();
  }

  private register(accelerator: string | null): boolean {
    const host = this.d.host!;
    let ok: boolean;
    try {
      ok = host.registerShortcut(accelerator);
    } catch (err) {
      this.d.log.warn('registering the quick prompt shortcut failed', err);
      ok = false;
    }
    this.shortcutReport = {
      accelerator,
      ...describeRegistration(accelerator, ok, this.platform, { wayland: host.wayland }),
    };
    if (!ok) this.d.log.warn(this.shortcutReport.message);
    return ok;
  }

  update(patch: MethodParsedInput<'desktop.update'>): DesktopView {
    const before = this.settings();
    const next: Stored = { ...this.stored() };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
    if (patch.quickPromptShortcut !== undefined && patch.quickPromptShortcut !== null) {
      const v = validateShortcut(patch.quickPromptShortcut, this.platform);
      if (!v.ok) throw new AppError('invalid_input', v.reason);
      next.quickPromptShortcut = v.accelerator;
    }
    if (next.quickPromptShortcut !== undefined && next.quickPromptShortcut !== before.quickPromptShortcut) {
      if (this.d.host && !this.register(next.quickPromptShortcut ?? null)) {
        const message = this.shortcutReport!.message;
        this.register(before.quickPromptShortcut); // keep the one that worked
        this.changed();
        throw new AppError('conflict', message);
      }
    }
    this.d.settings.set(KEY, next);
    this.d.host?.apply(this.settings());
    this.changed();
    return this.view();
  }

  private host(what: string): DesktopHost {
    if (!this.d.host) throw new AppError('unsupported', `${what} only in the desktop app.`);
    return this.d.host;
  }

  readClipboard(): ClipboardContent {
    return this.host('Hearth reads the clipboard').readClipboard();
  }

  hideQuickPrompt(): { ok: true } {
    this.host('There is a quick prompt window').hideQuickPrompt();
    return { ok: true };
  }

  /** Show the main window with this chat (null: a new chat) and the quick prompt's unsent draft. */
  openInMain(chatId: string | null, draft: string | undefined): { ok: true } {
    const host = this.host('Continuing in the main window works');
    this.d.events.emit(
      'app.command',
      chatId ? { command: 'open-chat', chatId, draft } : { command: 'new-chat', prompt: draft },
    );
    host.showMain();
    host.hideQuickPrompt();
    return { ok: true };
  }

  private updater() {
    const updater = this.host('Hearth updates itself').updater;
    if (!updater) throw new AppError('unsupported', 'This copy of Hearth cannot update itself.');
    return updater;
  }

  checkUpdates(): Promise<UpdaterState> {
    return this.updater().check();
  }

  downloadUpdate(): Promise<UpdaterState> {
    return this.updater().download();
  }

  installUpdate(): UpdaterState {
    return this.updater().install();
  }
}
