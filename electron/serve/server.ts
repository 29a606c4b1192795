/**
 * serve mode's transport: `POST /api/call/<method>` carries contract calls as JSON, one WebSocket
 * at `/api/events` carries events, and everything else is the built renderer. Generic over the
 * contract: no feature is named here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppServices } from '../services/app-services';
import { newRequestId, type Logger } from '../services/util/logger';
import {
  TOKEN_COOKIE,
  hostName,
  isLoopbackHost,
  originAllowed,
  presentedToken,
  requestUrl,
  safeEqual,
  tokenFromSecret,
} from './auth';
import { securityHeaders, serveStatic } from './static-files';

export interface ServeOptions {
  /** Read on every call: a restore swaps the services behind it. */
  services: Pick<AppServices, 'router' | 'events'>;
  host: string;
  port: number;
  /** WEBUI_SECRET_KEY; required for any non-loopback host. */
  secretKey: string | null;
  staticDir: string;
  log: Logger;
  version: string;
}

export interface RunningServer {
  url: string;
  /** URL to open in a browser (carries the token when one is needed). */
  openUrl: string;
  token: string | null;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;
/** Methods that carry files: an attachment (20 MB as base64) or a whole export to import. */
const MAX_BODY_FOR: Record<string, number> = { 'attachments.add': 30 * 1024 * 1024, 'data.import': 210 * 1024 * 1024 };

export class ServeConfigError extends Error {}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  if (!isLoopbackHost(o.host) && !o.secretKey) {
    throw new ServeConfigError(
      `Refusing to listen on ${o.host}: anyone on the network could read your chats. ` +
        `Set WEBUI_SECRET_KEY to require a token, or use --host 127.0.0.1.`,
    );
  }
  const token = o.secretKey ? tokenFromSecret(o.secretKey) : null;
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  const reject = (res: ServerResponse, status: number, code: string, message: string) => {
    if (res.headersSent) return;
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ ok: false, error: { code, message } }));
  };

  /** Returns null when allowed, else [status, code, message]. */
  const checkAccess = (req: IncomingMessage, url: URL): [number, string, string] | null => {
    if (!token) {
      // Loopback without a key: only loopback names, so a rebinding DNS name cannot reach us.
      if (!isLoopbackHost(hostName(req.headers.host))) {
        return [403, 'unauthorized', 'This Hearth only answers on localhost.'];
      }
      return null;
    }
    const presented = presentedToken(req, url).token;
    if (!presented || !safeEqual(presented, token)) {
      return [401, 'unauthorized', 'A valid token is needed: open the URL Hearth printed when it started.'];
    }
    return null;
  };

  // Last resort: nothing a request does may stop serve. A failure is logged and answered with 500.
  const server: Server = createServer((req, res) => {
    const failed = (err: unknown) => {
      const requestId = newRequestId();
      o.log.error('request failed', { requestId, path: (req.url ?? '').slice(0, 200), err });
      if (!res.headersSent) {
        reject(
          res,
          500,
          'internal',
          `Something went wrong inside Hearth; the details are in its log (request ${requestId}).`,
        );
      } else res.destroy();
    };
    try {
      handle(req, res).catch(failed);
    } catch (err) {
      failed(err);
    }
  });
  // Malformed HTTP (a bad request line or header): 400 and close, never a crash.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    securityHeaders(res);
    const url = requestUrl(req.url);
    if (!url) return reject(res, 400, 'invalid_input', 'The request target is not a valid path.');
    if (url.pathname === '/healthz') {
      // Open for health checks (Docker, load balancers); it reveals nothing but the version.
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ status: 'ok', version: o.version }));
      return;
    }
    const denied = checkAccess(req, url);
    if (denied) {
      if (
        req.method === 'GET' &&
        !url.pathname.startsWith('/api/') &&
        (req.headers.accept ?? '').includes('text/html')
      ) {
        res.writeHead(denied[0], { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>Hearth</title><p>${denied[2]}</p>`);
        return;
      }
      reject(res, ...denied);
      return;
    }
    const via = presentedToken(req, url).via;
    if (token && via === 'query' && req.method === 'GET') {
      // Swap the token in the URL for a cookie, so it does not linger in history or bookmarks.
      url.searchParams.delete('token');
      res.writeHead(302, {
        'Set-Cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname + url.search,
      });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/api/call/')) {
      let method: string;
      try {
        method = decodeURIComponent(url.pathname.slice('/api/call/'.length));
      } catch {
        return reject(res, 400, 'invalid_input', 'The method name is not valid.');
      }
      await handleCall(req, res, method);
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      reject(res, 404, 'not_found', `No such endpoint: ${url.pathname}`);
      return;
    }
    serveStatic(o.staticDir, req, res, url.pathname);
  }

  async function handleCall(req: IncomingMessage, res: ServerResponse, method: string) {
    if (req.method !== 'POST') return reject(res, 405, 'invalid_input', 'Use POST.');
    if (!originAllowed(req)) return reject(res, 403, 'unauthorized', 'Cross-origin requests are not allowed.');
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      return reject(res, 415, 'invalid_input', 'Send a JSON body (Content-Type: application/json).');
    }
    let body: unknown;
    try {
      body = await readJson(req, MAX_BODY_FOR[method] ?? MAX_BODY);
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      if (status === 413) {
        // Answer, then close: the rest of the body is not read.
        res.setHeader('Connection', 'close');
        res.once('finish', () => req.destroy());
      }
      return reject(res, status, 'invalid_input', (err as Error).message);
    }
    const result = await o.services.router.call(method, body);
    const status = result.ok ? 200 : statusFor(result.error.code);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(result));
  }

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    try {
      const url = requestUrl(req.url);
      if (!url) return refuse(400, 'Bad Request');
      if (url.pathname !== '/api/events') return refuse(404, 'Not Found');
      if (!originAllowed(req)) return refuse(403, 'Forbidden');
      const denied = checkAccess(req, url);
      if (denied) return refuse(denied[0], denied[0] === 401 ? 'Unauthorized' : 'Forbidden');
      wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
    } catch (err) {
      // Last resort, as for requests: log, close this socket, keep serving.
      o.log.error('WebSocket upgrade failed', { requestId: newRequestId(), err });
      socket.destroy();
    }
  });

  function attach(ws: WebSocket) {
    // Events go out after the work that emitted them (setImmediate): a send's three events would
    // otherwise be written before its request to the backend, on the way to the first token.
    let outbox: string[] = [];
    const flush = () => {
      const out = outbox;
      outbox = [];
      if (ws.readyState !== ws.OPEN) return;
      // The events of one turn of the event loop leave in one write (many answers streaming at
      // once: one system call instead of one per event). `_socket` is ws's own connection.
      const raw = (ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
      raw?.cork();
      for (const text of out) ws.send(text);
      raw?.uncork();
    };
    const unsubscribe = o.services.events.subscribe((envelope) => {
      if (ws.readyState !== ws.OPEN) return;
      if (outbox.length === 0) setImmediate(flush);
      outbox.push(JSON.stringify(envelope));
    });
    let alive = true;
    ws.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, 30_000);
    // The socket is one-way (server → browser); anything sent our way is ignored.
    ws.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
    ws.on('error', () => ws.terminate());
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        rejectListen(
          new ServeConfigError(
            `Port ${o.port} on ${o.host} is already in use. Pick another with --port or OPEN_WEBUI_PORT.`,
          ),
        );
      } else if (err.code === 'EADDRNOTAVAIL') {
        rejectListen(new ServeConfigError(`${o.host} is not an address of this machine.`));
      } else rejectListen(err);
    });
    server.listen(o.port, o.host, () => resolve());
  });

  const port = (server.address() as AddressInfo).port;
  const shownHost = o.host.includes(':') ? `[${o.host}]` : o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    openUrl: token ? `${url}?token=${token}` : url,
    token,
    port,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

function statusFor(code: string): number {
  switch (code) {
    case 'invalid_input':
      return 400;
    case 'unknown_method':
    case 'not_found':
      return 404;
    case 'unauthorized':
      return 403;
    case 'conflict':
      return 409;
    case 'disk_full':
      return 507;
    case 'backend_unreachable':
    case 'backend_error':
    case 'model_not_found':
      return 502;
    default:
      return 500;
  }
}

function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const tooLarge = () => {
      failed = true;
      const mb = Math.round(limit / 1024 / 1024);
      reject(Object.assign(new Error(`Request body is too large (${mb} MB at most).`), { status: 413 }));
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return tooLarge();
    req.on('data', (c: Buffer) => {
      if (failed) return; // the rest is dropped; the 413 goes out and the connection closes
      size += c.length;
      if (size > limit) {
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (failed) return;
      if (size === 0) return resolve({});
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new Error('The request body is not valid JSON.'));
      }
    });
    req.on('error', reject);
  });
}
