import { isAppErrorShape, type AppErrorShape, type ErrorCode } from '../../../shared/types/errors';

/** A failed call as the UI sees it: a code to branch on and a message written for people. */
export class ClientError extends Error implements AppErrorShape {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
  static from(value: unknown): ClientError {
    if (isAppErrorShape(value)) return new ClientError(value.code, value.message);
    return new ClientError('internal', 'Unexpected answer from Hearth.');
  }
}
