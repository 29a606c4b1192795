/**
 * After the secret key changes (a new WEBUI_SECRET_KEY, another OS key store), stored API keys no
 * longer decrypt: settings say so and ask for them again instead of claiming a key is set.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppServices } from '../app-services';
import { callOk, makeTempDir, openServices, removeTempDirs } from '../../../e2e/support/services';

const open: AppServices[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  removeTempDirs();
});

function services(dataDir: string, secretsKey: Buffer): AppServices {
  const s = openServices(dataDir, { secretsKey, env: { OLLAMA_BASE_URL: 'http://127.0.0.1:9' } });
  open.push(s);
  return s;
}

describe('stored API keys after the secret key changed', () => {
  it('are reported unreadable (not set) until entered again', async () => {
    const dir = makeTempDir();
    const first = services(dir, randomBytes(32));
    await callOk(first, 'settings.update', {
      openaiBaseUrl: 'http://127.0.0.1:9/v1',
      openaiApiKey: 'sk-first',
      openaiEndpoints: [{ label: 'Groq', baseUrl: 'http://127.0.0.1:9/openai/v1', apiKey: 'gsk-first' }],
    });
    const v1 = await callOk(first, 'settings.get');
    expect([v1.openaiApiKeySet, v1.openaiApiKeyUnreadable]).toEqual([true, false]);
    expect(v1.openaiEndpoints.map((e) => [e.apiKeySet, e.apiKeyUnreadable])).toEqual([[true, false]]);
    await first.close();

    const second = services(dir, randomBytes(32)); // WEBUI_SECRET_KEY changed
    const v2 = await callOk(second, 'settings.get');
    expect([v2.openaiApiKeySet, v2.openaiApiKeyUnreadable]).toEqual([false, true]);
    expect(v2.openaiEndpoints.map((e) => [e.apiKeySet, e.apiKeyUnreadable])).toEqual([[false, true]]);

    const v3 = await callOk(second, 'settings.update', {
      openaiApiKey: 'sk-again',
      openaiEndpoints: [
        { id: v2.openaiEndpoints[0]!.id, label: 'Groq', baseUrl: 'http://127.0.0.1:9/openai/v1', apiKey: 'gsk-again' },
      ],
    });
    expect([v3.openaiApiKeySet, v3.openaiApiKeyUnreadable]).toEqual([true, false]);
    expect(v3.openaiEndpoints.map((e) => [e.apiKeySet, e.apiKeyUnreadable])).toEqual([[true, false]]);
  });

  it('a key from the environment is never unreadable', async () => {
    const s = openServices(makeTempDir(), {
      env: {
        OLLAMA_BASE_URL: 'http://127.0.0.1:9',
        OPENAI_API_BASE_URL: 'http://127.0.0.1:9/v1',
        OPENAI_API_KEY: 'sk-env',
      },
    });
    open.push(s);
    const v = await callOk(s, 'settings.get');
    expect([v.openaiApiKeySet, v.openaiApiKeyUnreadable]).toEqual([true, false]);
  });
});
