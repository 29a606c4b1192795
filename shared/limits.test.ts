import { describe, expect, it } from 'vitest';
import { ATTACHMENT_BASE64_MAX_CHARS, IMAGE_LIMIT_BYTES, TEXT_LIMIT_BYTES } from './limits';

describe('attachment limits', () => {
  it('let the largest allowed file through as base64', () => {
    const base64Chars = (bytes: number) => Math.ceil(bytes / 3) * 4;
    expect(ATTACHMENT_BASE64_MAX_CHARS).toBeGreaterThanOrEqual(base64Chars(IMAGE_LIMIT_BYTES));
    expect(ATTACHMENT_BASE64_MAX_CHARS).toBeGreaterThanOrEqual(base64Chars(TEXT_LIMIT_BYTES));
  });
});
