/** Preload: exposes `window.hearth`, a generic bridge typed by shared/contract.ts, and nothing else. */
import { contextBridge } from 'electron';
import { createBridge } from './ipc-renderer';

const bridge = createBridge();
contextBridge.exposeInMainWorld('hearth', {
  call: (method: string, input: unknown) => bridge.call(String(method), input),
  subscribe: (listener: Parameters<typeof bridge.subscribe>[0]) => bridge.subscribe(listener),
});
