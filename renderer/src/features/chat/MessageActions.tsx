import type { Message } from '../../../../shared/types/domain';

/** Actions under a message (copy, regenerate, edit, branch arrows). */
export function MessageActions({ message: _message }: { message: Message }) {
  return null;
}
