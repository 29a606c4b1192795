/** A loopback port for the bundled server. */
import { createServer, type AddressInfo } from 'node:net';

/** Ollama's usual port: left to the user's own Ollama, never taken by Hearth's. */
export const OLLAMA_DEFAULT_PORT = 11434;

function tryListen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(null));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const got = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(got));
    });
  });
}

/** Can a server bind 127.0.0.1:port right now? */
export async function portIsFree(port: number): Promise<boolean> {
  return (await tryListen(port)) !== null;
}

/**
 * A free loopback port chosen by the OS, never 11434: the user's own Ollama may want that one later,
 * and tools pointed at 11434 must not reach Hearth's server by accident. The child binds it a moment
 * later; if something takes it in between, the bind error makes the supervisor pick again.
 */
export async function pickFreePort(avoid: readonly number[] = [OLLAMA_DEFAULT_PORT]): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await tryListen(0);
    if (port !== null && !avoid.includes(port)) return port;
  }
  throw new Error('No free loopback port was found for Ollama.');
}

/** HEARTH_OLLAMA_PORT: a port the user wants the bundled server on; anything else means "pick one". */
export function parsePortEnv(raw: string | undefined): number | null {
  const n = Number(raw?.trim());
  return raw?.trim() && Number.isInteger(n) && n > 0 && n < 65536 ? n : null;
}
