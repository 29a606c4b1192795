/**
 * The one module that knows how the renderer reaches the app: `window.hearth` (Electron's preload)
 * when present, else HTTP + WebSocket (serve mode). Features import `client` and nothing else.
 */
import type { HearthBridge, HearthClient } from '../../../shared/contract';
import { clientFromBridge } from './bridge-client';
import { createHttpBridge, type ConnectionState } from './http-bridge';

declare global {
  interface Window {
    hearth?: HearthBridge;
  }
}

type ConnectionListener = (state: ConnectionState) => void;
const connectionListeners = new Set<ConnectionListener>();
let connection: ConnectionState = 'open';

export function onConnectionChange(l: ConnectionListener): () => void {
  connectionListeners.add(l);
  l(connection);
  return () => connectionListeners.delete(l);
}

function pickBridge(): HearthBridge {
  if (window.hearth) return window.hearth;
  return createHttpBridge(location.origin, (state) => {
    connection = state;
    for (const l of connectionListeners) l(state);
  });
}

export const client: HearthClient = clientFromBridge(pickBridge());
export const transport: 'ipc' | 'http' = window.hearth ? 'ipc' : 'http';
export { ClientError } from './client-error';
export type { ConnectionState };
