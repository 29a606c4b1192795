/**
 * The test Ollama in a process of its own, as the real one is: the time-to-first-token part runs
 * its client and its backend in different processes, so the client's handling of Hearth's reply
 * and events does not hold up the backend's answer (which it would, sharing one event loop).
 * Prints `{"url": …}` on stdout once listening; ends on SIGTERM. Env: FAKE_TOKEN_DELAY_MS.
 */
import { startFakeOllama } from '../../e2e/support/fake-ollama';

async function main(): Promise<void> {
  const fake = await startFakeOllama();
  fake.behavior.tokenDelayMs = Number(process.env.FAKE_TOKEN_DELAY_MS ?? 2);
  process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
  const end = () => void fake.close().finally(() => process.exit(0));
  process.on('SIGTERM', end);
  process.on('SIGINT', end);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
