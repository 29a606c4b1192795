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
import type { AppInfo } from '../../shared/types/domain';
import type { ChatService } from './chats/chat-service';
import type { SettingsService } from './settings-service';
import type { Logger } from './util/logger';

export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

export interface RouterDeps {
  chats: ChatService;
  settings: SettingsService;
  info: () => AppInfo;
  log: Logger;
}

export function createHandlers(d: RouterDeps): Handlers {
  return {
    'app.info': () => d.info(),
    'settings.get': () => d.settings.view(),
    'settings.update': (input) => d.settings.update(input),
    'models.list': () => d.chats.models(),
    'chats.list': (input) => d.chats.list(input),
    'chats.get': ({ id }) => d.chats.get(id),
    'chats.create': ({ model }) => d.chats.create(model),
    'chats.rename': ({ id, title }) => d.chats.rename(id, title),
    'chats.delete': ({ id }) => d.chats.delete(id),
    'messages.send': (input) => d.chats.send(input),
    'messages.stop': ({ messageId }) => d.chats.stop(messageId),
  };
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
      try {
        const handler = handlers[method] as (i: unknown) => unknown;
        return { ok: true, value: await handler(parsed.data) };
      } catch (err) {
        if (err instanceof AppError) return fail(err.toJSON());
        log.error(`${method} failed`, err);
        return fail({ code: 'internal', message: 'Something went wrong inside Hearth; the details are in its log.' });
      }
    },
  };
}

const fail = (error: AppErrorShape): CallResult<never> => ({ ok: false, error });
