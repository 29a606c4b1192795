/**
 * Pieces every part of the contract uses (shared/contract.ts and the parts it spreads in): the
 * phantom marker that carries a method's output type, and the common input schemas.
 */
import { z } from 'zod';

declare const outputBrand: unique symbol;
export type Out<T> = { readonly [outputBrand]?: T };
export const out = <T>(): Out<T> => ({}) as Out<T>;

export const empty = z.object({}).strict();

/** An http:// or https:// URL (a server the user names). */
export const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');
