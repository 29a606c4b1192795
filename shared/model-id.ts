/**
 * Model ids as every side writes them: `<providerId>/<model>`, where the model part may itself
 * contain slashes (an Ollama name like `hf.co/user/repo:Q4`). Ollama names without a tag mean
 * `:latest`. Used by the services (resolving a model, naming a download), the renderer and the CLI.
 */

export interface ModelRef {
  providerId: string;
  model: string;
}

/** Split `provider/model` at the first slash; null when either part is empty. */
export function splitModelId(id: string): ModelRef | null {
  const i = id.indexOf('/');
  if (i <= 0 || i === id.length - 1) return null;
  return { providerId: id.slice(0, i), model: id.slice(i + 1) };
}

/** The model part of an id, for people (the id itself when it has no provider part). */
export function modelName(id: string): string {
  return splitModelId(id)?.model ?? id;
}

/** Is this the id of an Ollama server: 'ollama' (the primary) or `ollama-<slug>` (an extra one)? */
export function isOllamaProviderId(providerId: string): boolean {
  return /^ollama(-[a-z0-9-]+)?$/.test(providerId);
}

/**
 * An Ollama model named as `<server>/<name>` or by its bare name (which may hold slashes): the
 * prefix counts as the server when `isServer` knows it, otherwise the whole is a name on the
 * primary server, 'ollama'.
 */
export function ollamaRef(
  ref: string,
  isServer: (providerId: string) => boolean = isOllamaProviderId,
): { providerId: string; name: string } {
  const split = splitModelId(ref);
  if (split && isServer(split.providerId)) return { providerId: split.providerId, name: split.model };
  return { providerId: 'ollama', name: ref };
}

/** Ollama's own name for a model: a missing tag means `latest` (a colon before the last slash is not a tag). */
export function withTag(name: string): string {
  const slash = name.lastIndexOf('/');
  return name.indexOf(':', slash + 1) === -1 ? `${name}:latest` : name;
}
