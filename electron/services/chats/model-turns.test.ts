import { describe, expect, it } from 'vitest';
import type { Attachment } from '../../../shared/types/domain';
import { toTurn, type AttachedFiles } from './model-turns';

const attachment = (id: string, kind: 'image' | 'text'): Attachment => ({
  id,
  kind,
  name: id,
  mime: kind === 'image' ? 'image/png' : 'text/plain',
  size: 1,
  width: null,
  height: null,
});

const files: AttachedFiles = {
  contents: (id) =>
    ({
      'a.md': { kind: 'text' as const, name: 'a.md', bytes: Buffer.from('x\n```\ny\n```\n') },
      'b.txt': { kind: 'text' as const, name: 'b.txt', bytes: Buffer.from('plain') },
      'p.png': { kind: 'image' as const, name: 'p.png', bytes: Buffer.from([0x89, 0x50]) },
    })[id] ?? null,
};

describe('toTurn', () => {
  it('is the message alone when nothing is attached', () => {
    expect(toTurn({ role: 'user', content: 'Hi', attachments: [] }, files)).toEqual({ role: 'user', content: 'Hi' });
  });

  it('inlines text files before the message in fences longer than theirs, and sends images as base64', () => {
    const turn = toTurn(
      {
        role: 'user',
        content: 'Describe',
        attachments: [attachment('a.md', 'text'), attachment('p.png', 'image'), attachment('b.txt', 'text')],
      },
      files,
    );
    expect(turn).toEqual({
      role: 'user',
      content: 'File: a.md\n````\nx\n```\ny\n```\n````\n\nFile: b.txt\n```\nplain\n```\n\nDescribe',
      images: [Buffer.from([0x89, 0x50]).toString('base64')],
    });
  });

  it('leaves out files that are gone', () => {
    const turn = toTurn({ role: 'user', content: 'Q', attachments: [attachment('gone.png', 'image')] }, files);
    expect(turn).toEqual({ role: 'user', content: 'Q' });
  });
});
