/**
 * Size limits on attached files, one place for the app (which enforces them) and the renderer
 * (which refuses early, with the same message) and the contract (which bounds the base64 on the wire).
 */

/** Text files are inlined into the prompt, so they stay small. */
export const TEXT_LIMIT_BYTES = 256 * 1024;

/** Images arrive downscaled by the renderer; this bounds what any client may send. */
export const IMAGE_LIMIT_BYTES = 20 * 1024 * 1024;

/**
 * The longest base64 text an attachment may travel as: room for the largest image
 * (4 characters per 3 bytes, 27,962,028 characters for IMAGE_LIMIT_BYTES) and a little whitespace.
 */
export const ATTACHMENT_BASE64_MAX_CHARS = 28_000_000;
