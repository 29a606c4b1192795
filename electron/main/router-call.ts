/**
 * The shell's own calls into the router (tray items, menus): typed by the contract and validated like
 * the renderer's, failing with the router's plain-words message. And `watchRouter`, which tells the
 * shell when a call it cannot hear as an event succeeded (settings.update has no event, yet the tray
 * shows the default model).
 */
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import type { Router } from '../services/api';

export async function callRouter<M extends MethodName>(
  router: Router,
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutput<M>> {
  const r = await router.call(method, input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as MethodOutput<M>;
}

/** The router, telling `onSuccess` after each successful call (before the caller sees the reply). */
export function watchRouter(router: Router, onSuccess: (method: string, value: unknown) => void): Router {
  return {
    async call(method, input) {
      const r = await router.call(method, input);
      if (r.ok) {
        try {
          onSuccess(String(method), r.value);
        } catch {
          // A watcher's mistake must not fail the call.
        }
      }
      return r;
    },
  };
}
