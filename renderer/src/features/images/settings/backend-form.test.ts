import { describe, expect, it } from 'vitest';
import type { ImageBackendView } from '../../../../../shared/types/images';
import { backendInput, DEFAULT_URL, draftFor, newDraft, withKind } from './backend-form';

const view = (p: Partial<ImageBackendView>): ImageBackendView => ({
  id: 'b1',
  kind: 'a1111',
  label: 'Home',
  baseUrl: 'http://127.0.0.1:7860',
  username: null,
  passwordSet: false,
  apiKeySet: false,
  secretUnreadable: false,
  fromEnv: false,
  workflows: [],
  ...p,
});

describe('the image backend draft', () => {
  it('starts with the kind’s usual address', () => {
    expect(newDraft('a1111').baseUrl).toBe('http://127.0.0.1:7860');
    expect(newDraft('comfyui').baseUrl).toBe('http://127.0.0.1:8188');
    expect(newDraft('openai').baseUrl).toBe('https://api.openai.com/v1');
  });

  it('follows a new kind’s defaults unless the user typed their own', () => {
    const comfy = withKind(newDraft('a1111'), 'comfyui');
    expect(comfy).toMatchObject({ kind: 'comfyui', label: 'ComfyUI', baseUrl: DEFAULT_URL.comfyui });
    const own = withKind({ ...newDraft('a1111'), label: 'GPU box', baseUrl: 'http://10.0.0.5:7860' }, 'comfyui');
    expect(own).toMatchObject({ kind: 'comfyui', label: 'GPU box', baseUrl: 'http://10.0.0.5:7860' });
    expect(withKind({ ...newDraft('a1111'), label: '', baseUrl: ' ' }, 'openai')).toMatchObject({
      label: 'OpenAI Images',
      baseUrl: DEFAULT_URL.openai,
    });
  });

  it('edits a stored backend with blank secrets', () => {
    expect(draftFor(view({ username: 'me', passwordSet: true }))).toEqual({
      id: 'b1',
      kind: 'a1111',
      label: 'Home',
      baseUrl: 'http://127.0.0.1:7860',
      username: 'me',
      password: '',
      apiKey: '',
    });
  });
});

/** The input, failing the test when the draft was refused. */
function ok(r: ReturnType<typeof backendInput>) {
  if ('error' in r) throw new Error(r.error);
  return r.input;
}

describe('backendInput', () => {
  it('sends a new backend with its kind, name and URL', () => {
    expect(backendInput({ ...newDraft('comfyui'), label: ' Comfy ' }, [])).toEqual({
      input: { kind: 'comfyui', label: 'Comfy', baseUrl: 'http://127.0.0.1:8188' },
    });
  });

  it('refuses what the app would refuse, in words', () => {
    expect(backendInput({ ...newDraft(), label: ' ' }, [])).toEqual({ error: 'Give the backend a name.' });
    expect(backendInput({ ...newDraft(), baseUrl: 'localhost:7860' }, [])).toMatchObject({
      error: expect.stringMatching(/http:\/\/ or https:\/\//),
    });
    expect(backendInput({ ...newDraft(), baseUrl: 'ftp://x' }, [])).toHaveProperty('error');
    expect(backendInput({ ...newDraft(), label: 'home' }, [view({})])).toMatchObject({
      error: expect.stringMatching(/already an image backend called “home”/),
    });
    // Its own name is fine when editing.
    expect(backendInput(draftFor(view({})), [view({})])).toHaveProperty('input');
  });

  it('AUTOMATIC1111: user name and password go together; a blank password keeps the stored one', () => {
    const d = newDraft('a1111');
    expect(ok(backendInput({ ...d, username: 'me', password: 'pw' }, []))).toMatchObject({
      username: 'me',
      password: 'pw',
    });
    expect(backendInput({ ...d, username: 'me' }, [])).toMatchObject({ error: expect.stringMatching(/password/) });
    expect(backendInput({ ...d, password: 'pw' }, [])).toMatchObject({
      error: expect.stringMatching(/user that goes/),
    });
    expect(ok(backendInput(d, []))).toMatchObject({ username: null });
    expect(ok(backendInput(d, []))).not.toHaveProperty('password');

    const stored = view({ username: 'me', passwordSet: true });
    const kept = ok(backendInput(draftFor(stored), [stored], stored));
    expect(kept).toMatchObject({ id: 'b1', username: 'me' });
    expect(kept).not.toHaveProperty('password');
    // No user name any more: the stored password goes too.
    expect(ok(backendInput({ ...draftFor(stored), username: '' }, [stored], stored))).toMatchObject({
      username: null,
      password: null,
    });
  });

  it('OpenAI: a typed key is sent, a blank one keeps the stored key, other kinds send no secrets', () => {
    const d = newDraft('openai');
    expect(ok(backendInput({ ...d, apiKey: ' sk-1 ' }, []))).toMatchObject({ apiKey: 'sk-1' });
    expect(ok(backendInput(d, []))).not.toHaveProperty('apiKey');
    const comfy = ok(backendInput({ ...newDraft('comfyui'), apiKey: 'sk', username: 'x', password: 'y' }, []));
    expect(comfy).toEqual({ kind: 'comfyui', label: 'ComfyUI', baseUrl: 'http://127.0.0.1:8188' });
  });
});
