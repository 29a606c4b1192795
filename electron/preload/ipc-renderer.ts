/** The typed wrapper around ipcRenderer — the only file in the preload allowed to use it. */
import { ipcRenderer } from 'electron';
import type { CallResult, EventEnvelope, HearthBridge } from '../../shared/contract';
import { IPC_CALL, IPC_EVENT } from '../ipc-channels';

export function createBridge(): HearthBridge {
  return {
    call: (method, input) => ipcRenderer.invoke(IPC_CALL, method, input) as Promise<CallResult<unknown>>,
    subscribe(listener) {
      // Never hand the page the IpcRendererEvent: it carries `sender`, a path back to ipcRenderer.
      const wrapped = (_e: unknown, envelope: EventEnvelope) => listener(envelope);
      ipcRenderer.on(IPC_EVENT, wrapped);
      return () => ipcRenderer.removeListener(IPC_EVENT, wrapped);
    },
  };
}
