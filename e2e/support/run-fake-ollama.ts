/** Run the test Ollama by hand: `npx tsx e2e/support/run-fake-ollama.ts [port]` (for dev:serve and demos). */
import { startFakeOllama } from './fake-ollama';

const port = Number(process.argv[2] ?? 0);
void startFakeOllama({ port }).then((fake) => {
  fake.behavior.tokenDelayMs = Number(process.env.FAKE_TOKEN_DELAY_MS ?? 30);
  process.stdout.write(`fake Ollama listening on ${fake.url}\n`);
});
