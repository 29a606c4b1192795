/**
 * Image turns in the open chat, part of the chat slice: `/image <prompt>` and "Generate image" on an
 * answer (images.generateInChat, after the branch on screen or the answer; a new conversation is
 * created first, as for a message), and Retry on a failed one (its job retried, or, when the app no
 * longer knows the job, the prompt before it sent again). The rows of a reply go through the chat's
 * RowBook like any message; the job goes to the images slice at once (its events may come later).
 */
import type { StoreApi } from 'zustand';
import type { Message } from '../../../../shared/types/domain';
import type { RowBook } from '../../../../shared/versioned';
import { client, ClientError } from '../../client';
import type { AppState } from '../../app/store';
import { imageTurnBackendId, promptBefore } from './image-command';
import { jobIdForMessage } from './image-jobs';

export interface ImageTurnActions {
  /**
   * Image turns this window started or retried: assistant message id → image job id (the images
   * slice learns of jobs from events; this covers the moments before, and a missed event).
   */
  imageTurnJobs: Record<string, string>;
  /**
   * An image made in the open chat (images.generateInChat), after the branch on screen unless
   * `parentId` says otherwise; a new conversation is created first. `/image` passes asUserTurn.
   */
  generateImageInChat(o: {
    prompt: string;
    parentId?: string | null;
    asUserTurn?: boolean;
    backendId?: string;
  }): Promise<boolean>;
  /** A failed, stopped or interrupted image turn again: its job retried, or the prompt before it sent again. */
  retryImageTurn(messageId: string): Promise<boolean>;
}

const errorText = (err: unknown, fallback: string) => (err instanceof ClientError ? err.message : fallback);

export function imageTurnActions(
  set: StoreApi<AppState>['setState'],
  get: () => AppState,
  chat: {
    rows(): RowBook<Message>;
    /** Take rows for the open chat and show the branch ending at `leafId`. */
    takeRows(list: Message[], leafId?: string | null): void;
    /** Wait for work preparing the open chat (see the chat slice's prepareChat). */
    settle(): Promise<void>;
  },
): ImageTurnActions {
  const { rows, takeRows, settle } = chat;
  return {
    imageTurnJobs: {},

    async generateImageInChat({ prompt, parentId, asUserTurn, backendId }) {
      set({ sending: true, chatError: null });
      try {
        // A chat being set up (created for files, settings being saved) gets the image once ready.
        await settle();
        const chatId = await get().ensureChat();
        const after = parentId !== undefined ? parentId : (get().messages.at(-1)?.id ?? null);
        const r = await client.call('images.generateInChat', {
          chatId,
          prompt,
          parentId: after,
          ...(asUserTurn ? { asUserTurn: true } : {}),
          ...(backendId ? { backendId } : {}),
        });
        set((s) => ({ imageTurnJobs: { ...s.imageTurnJobs, [r.assistantMessage.id]: r.job.id } }));
        get().onImageJob(r.job);
        if (get().activeChatId === chatId) {
          const open = get().activeChat;
          if (open) set({ activeChat: { ...open, currentLeafId: r.assistantMessage.id } });
          takeRows(r.userMessage ? [r.userMessage, r.assistantMessage] : [r.assistantMessage], r.assistantMessage.id);
        }
        return true;
      } catch (err) {
        set({ chatError: errorText(err, 'Could not start the image.') });
        return false;
      } finally {
        set({ sending: false });
      }
    },

    async retryImageTurn(messageId) {
      const m = rows().get(messageId);
      if (!m) return false;
      set({ chatError: null });
      const jobId = jobIdForMessage(get(), messageId);
      if (jobId) {
        try {
          const job = await client.call('images.retry', { jobId });
          set((s) => ({ imageTurnJobs: { ...s.imageTurnJobs, [job.messageId ?? messageId]: job.id } }));
          get().onImageJob(job);
          return true;
        } catch (err) {
          // A job from before a restart is no longer known: start the image again from its prompt.
          if (!(err instanceof ClientError && err.code === 'not_found')) {
            set({ chatError: errorText(err, 'Could not retry the image.') });
            return false;
          }
        }
      }
      const prompt = promptBefore(m, get().tree);
      if (!prompt) {
        set({ chatError: 'The prompt of this image is no longer in the chat; type /image and a prompt.' });
        return false;
      }
      const backendId = imageTurnBackendId(m);
      return get().generateImageInChat({ prompt, parentId: m.parentId, ...(backendId ? { backendId } : {}) });
    },
  };
}
