/**
 * The typed wrapper around ipcMain/webContents.send — the only file in main allowed to use them.
 * Every call is checked against trusted senders, then handed to the router, which validates input.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { CallResult, EventEnvelope } from '../../shared/contract';
import type { Router } from '../services/api';
import type { EventHub } from '../services/events';
import { IPC_CALL, IPC_EVENT } from '../ipc-channels';

export interface IpcBindingOptions {
  router: Router;
  events: EventHub;
  /** True only for frames that show Hearth's own renderer. */
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
  /** Web contents that should receive events. */
  targets(): WebContents[];
}

export function bindIpc(o: IpcBindingOptions): () => void {
  ipcMain.handle(IPC_CALL, async (event, method: unknown, input: unknown): Promise<CallResult<unknown>> => {
    if (!o.isTrustedSender(event)) {
      return { ok: false, error: { code: 'unauthorized', message: 'Calls are accepted only from Hearth windows.' } };
    }
    return o.router.call(method, input);
  });
  const unsubscribe = o.events.subscribe((envelope: EventEnvelope) => {
    for (const wc of o.targets()) if (!wc.isDestroyed()) wc.send(IPC_EVENT, envelope);
  });
  return () => {
    ipcMain.removeHandler(IPC_CALL);
    unsubscribe();
  };
}
