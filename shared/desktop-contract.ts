/**
 * The desktop part of the contract (spread into shared/contract.ts): the desktop settings (quick
 * prompt shortcut, tray habits, notifications, updates), the quick prompt's chats, and what only the
 * desktop shell can do (read the clipboard, hide the quick-prompt window, show a chat in the main
 * window, updates). In serve the shell's methods answer `unsupported` in plain words.
 */
import { z } from 'zod';
import { empty, out } from './contract-out';
import { entityIdSchema, uuidv7Schema } from './ids';
import type { ClipboardContent } from './desktop/quick-prompt';
import type { UpdaterState } from './desktop/updater-state';
import type { Chat } from './types/domain';
import type { DesktopView } from './types/desktop';

const id = entityIdSchema;

export const DesktopSettingsPatchSchema = z
  .object({
    /** An Electron accelerator ("Alt+Space", "CmdOrCtrl+Shift+K"); null turns the shortcut off. Checked by the service. */
    quickPromptShortcut: z.string().trim().min(1).max(100).nullable().optional(),
    quickPromptModel: z.string().trim().min(1).max(512).nullable().optional(),
    saveQuickPrompts: z.boolean().optional(),
    notifyOnAnswer: z.boolean().optional(),
    closeToTray: z.boolean().optional(),
    startAtLogin: z.boolean().optional(),
    startHidden: z.boolean().optional(),
    checkForUpdates: z.boolean().optional(),
  })
  .strict();

export const desktopMethods = {
  /** Desktop settings and state (shortcut registration, updater). */
  'desktop.get': { input: empty, output: out<DesktopView>() },
  /** Change desktop settings; a shortcut another app holds is refused in plain words and the old one kept. */
  'desktop.update': { input: DesktopSettingsPatchSchema, output: out<DesktopView>() },
  /** The desktop app: the clipboard's text or image for the quick prompt. */
  'desktop.readClipboard': { input: empty, output: out<ClipboardContent>() },
  /** The desktop app: hide the quick-prompt window (Esc). */
  'desktop.hideQuickPrompt': { input: empty, output: out<{ ok: true }>() },
  /**
   * The desktop app: show the main window with this chat (null: a new chat) and `draft` in its
   * composer, and hide the quick prompt (Ctrl/Cmd+Enter in the quick prompt).
   */
  'desktop.openInMain': {
    input: z.object({ chatId: id.nullable(), draft: z.string().max(1_000_000).optional() }).strict(),
    output: out<{ ok: true }>(),
  },
  /** The quick prompt's first question: its chat, in the "Quick" folder (or temporary when saving is off). */
  'quick.start': {
    input: z.object({ id: uuidv7Schema, model: z.string().trim().min(1).max(512).optional() }).strict(),
    output: out<Chat>(),
  },
  /** Keep a quick prompt's chat (it was continued in the main window) even when saving is off. */
  'quick.keep': { input: z.object({ chatId: id }).strict(), output: out<{ ok: true }>() },
  /** Done with a quick prompt's chat: removed for good when saving is off; otherwise nothing happens. */
  'quick.discard': { input: z.object({ chatId: id }).strict(), output: out<{ removed: boolean }>() },
  /** Look for a new version now (the desktop app). */
  'updates.check': { input: empty, output: out<UpdaterState>() },
  /** Download the update found (only ever on the user's click). */
  'updates.download': { input: empty, output: out<UpdaterState>() },
  /** Quit and install a downloaded update now (otherwise it installs when Hearth quits). */
  'updates.install': { input: empty, output: out<UpdaterState>() },
} as const;

export const desktopEvents = {
  /** Desktop settings or state changed (shortcut registration, updater progress). */
  'desktop.changed': z.custom<DesktopView>(),
} as const;
