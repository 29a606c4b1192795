import { AppError } from '../../../shared/types/errors';

/** Placeholder while a method is being built; every use is replaced before the feature lands. */
export function notYet(method: string): () => never {
  return () => {
    throw new AppError('internal', `${method} is not available in this build yet.`);
  };
}
