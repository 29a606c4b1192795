/**
 * The one shape of an id that comes from outside (the wire, an imported file): letters, digits,
 * `_` and `-`, at most 64 characters. The app's own ids (UUIDv7) have it; nothing else reaches a
 * query or a file name. Checked where ids are parsed (the contract, the importers).
 */
import { z } from 'zod';

export const ENTITY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const entityIdSchema = z.string().regex(ENTITY_ID_PATTERN, 'must be an id (1–64 letters, digits, "_" or "-")');

/** A UUIDv7 (time-ordered), the shape of ids a client may choose for rows it creates. */
export const UUIDV7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const uuidv7Schema = z.string().regex(UUIDV7_PATTERN, 'must be a UUIDv7 (lower-case, time-ordered)');

export const isEntityId = (v: unknown): v is string => typeof v === 'string' && ENTITY_ID_PATTERN.test(v);
