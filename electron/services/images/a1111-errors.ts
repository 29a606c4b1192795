/**
 * AUTOMATIC1111's failures as ImageBackendErrors that say what to do: transport trouble (timeouts,
 * unreachable), HTTP answers in its shapes ({error, detail, errors}, FastAPI's 422 detail list, a
 * proxy's bare 502–504), an answer that is not JSON, an unknown sampler or checkpoint.
 */
import { isConnectionError } from '../providers/provider';
import { ImageBackendError } from './backend';
import { isObject } from './a1111-json';

export function transportError(err: unknown, timeoutMs: number | null, where: string): ImageBackendError {
  const name = (err as { name?: string })?.name;
  if (name === 'TimeoutError')
    return new ImageBackendError(
      'unreachable',
      `AUTOMATIC1111 at ${where} did not answer within ${Math.round((timeoutMs ?? 0) / 1000)} s. Is it running, or busy loading a model?`,
    );
  if (hasCode(err, 'UND_ERR_HEADERS_TIMEOUT') || hasCode(err, 'UND_ERR_BODY_TIMEOUT'))
    return new ImageBackendError(
      'backend',
      `AUTOMATIC1111 at ${where} took too long to answer and the connection was given up. ` +
        'The images may still appear in its outputs folder; try a smaller batch or size.',
    );
  if (isConnectionError(err) || err instanceof TypeError)
    return new ImageBackendError('unreachable', `Can't reach AUTOMATIC1111 at ${where}. Is it running?`);
  return new ImageBackendError('backend', `Talking to AUTOMATIC1111 at ${where} failed: ${describe(err)}`);
}

/** A non-OK answer; `json` is the parsed body when it was JSON. `withAuth`: a user name was configured. */
export function httpError(
  status: number,
  path: string,
  json: unknown,
  text: string,
  where: string,
  withAuth: boolean,
): ImageBackendError {
  const obj = isObject(json) ? json : null;
  const a1111Shaped = !!obj && typeof obj.error === 'string';
  const detail = obj ? obj.detail : undefined;
  if (status === 401)
    return new ImageBackendError(
      'unauthorized',
      withAuth
        ? `AUTOMATIC1111 at ${where} refused the user name and password. Check them in Settings: they must match its --api-auth user:password.`
        : `AUTOMATIC1111 at ${where} asks for a user name and password (it was started with --api-auth). Enter them in Settings.`,
    );
  if (status === 404 && !a1111Shaped)
    return new ImageBackendError(
      'no_api',
      `AUTOMATIC1111 answers at ${where} but its API is off: start it with --api (add it to COMMANDLINE_ARGS). ` +
        `If it has --api, check the address (${path} was not found).`,
    );
  if (status === 422 && Array.isArray(detail)) {
    const first = detail.find(isObject);
    const loc = Array.isArray(first?.loc) ? first.loc : [];
    const field = [...loc].reverse().find((p): p is string => typeof p === 'string' && p !== 'body');
    const msg = typeof first?.msg === 'string' ? first.msg : 'invalid value';
    return new ImageBackendError(
      'validation',
      field ? `AUTOMATIC1111 refused the value of "${field}": ${msg}.` : `AUTOMATIC1111 refused the request: ${msg}.`,
      field,
    );
  }
  if ((status === 502 || status === 503 || status === 504) && !obj)
    return new ImageBackendError(
      'unreachable',
      `The server at ${where} answered HTTP ${status}: AUTOMATIC1111 behind it seems to be down. Is it running?`,
    );
  if (!obj)
    return new ImageBackendError(
      'backend',
      `AUTOMATIC1111 at ${where} failed (HTTP ${status}) and its answer is not JSON: ${snippet(text, 120)}`,
    );
  // "HTTPException" says nothing; the detail does.
  const parts = uniqueText([obj.error === 'HTTPException' ? null : obj.error, detail, obj.errors]);
  const all = parts.join(' ');
  if (/OutOfMemory|out of memory/i.test(all))
    return new ImageBackendError(
      'out_of_memory',
      'AUTOMATIC1111 ran out of GPU memory. Try a smaller size or batch, or start it with --medvram (or --lowvram).',
    );
  if (status === 422)
    return new ImageBackendError('validation', `AUTOMATIC1111 refused the request: ${snippet(parts.join(': '), 300)}`);
  return new ImageBackendError(
    'backend',
    `AUTOMATIC1111 failed (HTTP ${status}): ${snippet(parts.join(': ') || text, 300)}`,
  );
}

/** A 200 whose body is not JSON: probably another server at that address. */
export const notJson = (where: string, path: string, text: string) =>
  new ImageBackendError(
    'backend',
    `The server at ${where} answered ${path} with something that is not JSON (${snippet(text, 80)}). ` +
      'Is this the address of AUTOMATIC1111?',
  );

/** A 404 "Sampler not found" from txt2img names the sampler; other errors pass through. */
export function samplerError(err: ImageBackendError, sampler: string): ImageBackendError {
  if (!/Sampler not found/i.test(err.message)) return err;
  return new ImageBackendError(
    'validation',
    `AUTOMATIC1111 has no sampler "${sampler}". Pick one from the list.`,
    'sampler',
  );
}

/** `names`: the titles of the checkpoints A1111 has. */
export function unknownCheckpoint(wanted: string, names: string[]): ImageBackendError {
  const list = names.length
    ? `It has: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}.`
    : 'It has none: put .safetensors files in its models/Stable-diffusion folder.';
  return new ImageBackendError('unknown_checkpoint', `AUTOMATIC1111 has no checkpoint "${wanted}". ${list}`);
}

export const noImages = (where: string) =>
  new ImageBackendError('backend', `AUTOMATIC1111 at ${where} answered without images.`);

function hasCode(err: unknown, code: string): boolean {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++)
    if ((e as { code?: string }).code === code) return true;
  return false;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The non-empty texts, without one that another already contains ("404: Sampler not found" ⊃ "Sampler not found"). */
function uniqueText(values: unknown[]): string[] {
  const texts = values.map((v) =>
    typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : JSON.stringify(v),
  );
  return texts.filter((t, i) => t && !texts.some((o, j) => j !== i && o.includes(t) && (o !== t || j < i)));
}

function snippet(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat || '(empty)';
}
