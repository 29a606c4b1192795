/**
 * The shell's own calls into the router (tray items, menus): typed by the contract and validated like
 * the renderer's, failing with the router's plain-words message.
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
