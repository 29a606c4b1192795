/** Error codes every method may answer with. The message is written for the user. */
export const ERROR_CODES = [
  'invalid_input',
  'unknown_method',
  'not_found',
  'unauthorized',
  'backend_unreachable',
  'backend_error',
  'model_not_found',
  'aborted',
  'conflict',
  /** The disk holding Hearth's data is full: nothing of the action was stored. */
  'disk_full',
  /** Only the desktop app can do this (a global shortcut, the clipboard, updates); serve says so. */
  'unsupported',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorShape {
  code: ErrorCode;
  message: string;
  /** For 'internal' errors: the id of the log entry with the details (hearth.log). */
  requestId?: string;
}

export class AppError extends Error implements AppErrorShape {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }
  toJSON(): AppErrorShape {
    return { code: this.code, message: this.message };
  }
}

export function isAppErrorShape(value: unknown): value is AppErrorShape {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.message === 'string' && typeof v.code === 'string' && (ERROR_CODES as readonly string[]).includes(v.code)
  );
}
