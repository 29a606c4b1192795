/** Attachments and import/export. */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';
import { notYet } from './not-yet';

export function dataHandlers(
  _d: RouterDeps,
): HandlerGroup<'attachments.add' | 'attachments.get' | 'data.export' | 'data.import'> {
  return {
    'attachments.add': notYet('attachments.add'),
    'attachments.get': notYet('attachments.get'),
    'data.export': notYet('data.export'),
    'data.import': notYet('data.import'),
  };
}
