/**
 * ComfyUI's WebSocket /ws?clientId=: opening it (handlers attached before the first message can
 * arrive; refusals and connection failures as ImageBackendErrors), parsing its frames (JSON messages
 * and the binary preview images), and reconnecting when it drops mid-job.
 */
import type { RawData, WebSocket as WsWebSocket } from 'ws';
import { isConnectionError } from '../providers/provider';
import type { ImageBackendError } from './backend';
import { socketFailed, socketRefused, unreachable } from './comfy-errors';

/** One frame from the socket: a JSON message, or a preview image (binary). */
export type ComfyFrame =
  | { kind: 'json'; type: string; data: Record<string, unknown> }
  /** `promptId` is set only by frames that carry metadata; `data` is a view into the frame. */
  | { kind: 'preview'; promptId: string | null; mime: string; data: Buffer };

export interface ComfySocketOptions {
  WebSocket: typeof WsWebSocket;
  /** ComfyUI's http(s) base URL and the headers of its HTTP calls. */
  base: string;
  headers: Record<string, string>;
  clientId: string;
  /** Every message, parsable or not (the job's idle timer). */
  onActivity(): void;
  onFrame(frame: ComfyFrame): void;
  /** True once the job has its outcome: a drop then needs no reconnect. */
  isDone(): boolean;
  /** After a reconnect, catch up on what the socket missed; a throw counts as a failed attempt. */
  onReconnect(): Promise<void>;
  /** Every reconnect attempt failed. */
  onLost(): void;
}

export interface ComfySocket {
  /** Close for good: a close from now on is not a drop. */
  close(): void;
}

const RECONNECT_ATTEMPTS = 3;

/** Open the socket; it reconnects (three tries, 0.5 s, 1 s, 1.5 s apart) when it drops before `isDone()`. */
export async function connectComfySocket(opts: ComfySocketOptions): Promise<ComfySocket> {
  const url = `${opts.base.replace(/^http/i, 'ws')}/ws?clientId=${encodeURIComponent(opts.clientId)}`;
  let socket: WsWebSocket | null = null;
  let closing = false;

  const onMessage = (raw: RawData, isBinary: boolean) => {
    opts.onActivity();
    const frame = parseFrame(raw, isBinary);
    if (!frame) return;
    try {
      opts.onFrame(frame);
    } catch {}
  };
  const onClose = () => {
    if (closing || opts.isDone()) return;
    void reconnect();
  };
  const open = () => openSocket(opts.WebSocket, url, opts.headers, opts.base, onMessage, onClose);

  /** The socket dropped mid-job (ComfyUI restarted, network): reconnect and let the job catch up. */
  async function reconnect() {
    for (let attempt = 0; attempt < RECONNECT_ATTEMPTS && !opts.isDone(); attempt++) {
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      try {
        const again = await open();
        if (closing) {
          again.close();
          return;
        }
        socket = again;
        await opts.onReconnect();
        return;
      } catch {}
    }
    opts.onLost();
  }

  socket = await open();
  return {
    close() {
      closing = true;
      try {
        socket?.close();
      } catch {}
    },
  };
}

function openSocket(
  WS: typeof WsWebSocket,
  url: string,
  headers: Record<string, string>,
  base: string,
  onMessage: (data: RawData, isBinary: boolean) => void,
  onClose: () => void,
) {
  return new Promise<WsWebSocket>((resolve, reject) => {
    const ws = new WS(url, { headers, handshakeTimeout: 15_000 });
    let open = false;
    const fail = (err: ImageBackendError) => {
      if (open) return;
      ws.removeAllListeners('message');
      ws.removeAllListeners('close');
      try {
        ws.terminate();
      } catch {}
      reject(err);
    };
    ws.on('error', (err) => fail(isConnectionError(err) ? unreachable(base) : socketFailed(url, err)));
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      fail(socketRefused(base, res.statusCode));
    });
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.once('open', () => {
      open = true;
      resolve(ws);
    });
  });
}

/** A socket message as a frame; null for what is not one (bad JSON, an unknown binary event). */
export function parseFrame(raw: RawData, isBinary: boolean): ComfyFrame | null {
  const buf = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
  if (isBinary) return parsePreview(buf);
  try {
    const msg = JSON.parse(buf.toString('utf8')) as { type?: string; data?: Record<string, unknown> };
    if (typeof msg.type === 'string') return { kind: 'json', type: msg.type, data: msg.data ?? {} };
  } catch {}
  return null;
}

function parsePreview(buf: Buffer): ComfyFrame | null {
  if (buf.length < 8) return null;
  const event = buf.readUInt32BE(0);
  let promptId: string | null = null;
  let mime: string | null = null;
  let data: Buffer | null = null;
  if (event === 1) {
    // PREVIEW_IMAGE: image type (1 JPEG, 2 PNG), then the image.
    mime = buf.readUInt32BE(4) === 2 ? 'image/png' : 'image/jpeg';
    data = buf.subarray(8);
  } else if (event === 4) {
    // PREVIEW_IMAGE_WITH_METADATA: metadata length, metadata JSON, then the image.
    const len = buf.readUInt32BE(4);
    try {
      const meta = JSON.parse(buf.toString('utf8', 8, 8 + len)) as { prompt_id?: string; image_type?: string };
      promptId = meta.prompt_id || null;
      mime = meta.image_type ?? 'image/jpeg';
      data = buf.subarray(8 + len);
    } catch {
      return null;
    }
  }
  return mime && data?.length ? { kind: 'preview', promptId, mime, data } : null;
}
