/**
 * The router: implements every contract method on the services. It validates each input against
 * the contract's schema and turns every failure into a typed `{ code, message }` — never a stack.
 */
import {
  isMethodName,
  methods,
  type CallResult,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
} from '../../shared/contract';
import { AppError, type AppErrorShape } from '../../shared/types/errors';
import { diskFullError } from './util/disk-full';
import { newRequestId, type Logger } from './util/logger';
import type { RouterDeps } from './api/router-deps';
import { appHandlers } from './api/app-handlers';
import { chatHandlers } from './api/chat-handlers';
import { organisationHandlers } from './api/organisation-handlers';
import { dataHandlers } from './api/data-handlers';
import { mediaHandlers } from './api/media-handlers';
import { modelHandlers } from './api/model-handlers';
import { ollamaHandlers } from './api/ollama-handlers';
import { syncHandlers } from './api/sync-handlers';
import { imageHandlers } from './api/image-handlers';
import { desktopHandlers } from './api/desktop-handlers';
import { backupHandlers } from './api/backup-handlers';

export type { RouterDeps };

export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

/** A group of handlers for some of the contract's methods. */
export type HandlerGroup<K extends MethodName> = Pick<Handlers, K>;

export function createHandlers(d: RouterDeps): Handlers {
  return {
    ...appHandlers(d),
    ...chatHandlers(d),
    ...organisationHandlers(d),
    ...dataHandlers(d),
    ...mediaHandlers(d),
    ...modelHandlers(d),
    ...ollamaHandlers(d),
    ...syncHandlers(d),
    ...imageHandlers(d),
    ...desktopHandlers(d),
    ...backupHandlers(d),
  } satisfies Handlers;
}

export interface Router {
  call(method: unknown, input: unknown): Promise<CallResult<unknown>>;
}

export function createRouter(handlers: Handlers, log: Logger): Router {
  return {
    async call(method, input) {
      if (!isMethodName(method)) {
        return fail({
          code: 'unknown_method',
          message: `There is no method called ${JSON.stringify(String(method)).slice(0, 80)}.`,
        });
      }
      const parsed = methods[method].input.safeParse(input ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
        return fail({
          code: 'invalid_input',
          message: `Invalid input for ${method}: ${where}${issue?.message ?? 'rejected'}`,
        });
      }
      const started = performance.now();
      try {
        const handler = handlers[method] as (i: unknown) => unknown;
        const value = await handler(parsed.data);
        // Method and time only: inputs hold the user's words and keys.
        log.debug(`${method} ${(performance.now() - started).toFixed(1)} ms`);
        return { ok: true, value };
      } catch (err) {
        if (err instanceof AppError) return fail(err.toJSON());
        const full = diskFullError(err);
        if (full) {
          log.warn(`${method}: the disk is full`, err);
          return fail(full.toJSON());
        }
        const requestId = newRequestId();
        log.error(`${method} failed`, { requestId, method, err });
        return fail({
          code: 'internal',
          message: `Something went wrong inside Hearth; the details are in its log (request ${requestId}).`,
          requestId,
        });
      }
    },
  };
}

const fail = (error: AppErrorShape): CallResult<never> => ({ ok: false, error });
