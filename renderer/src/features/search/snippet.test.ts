import { describe, expect, it } from 'vitest';
import { SNIPPET_END as E, SNIPPET_START as S } from '../../../../shared/types/domain';
import { parseSnippet } from './snippet';

describe('parseSnippet', () => {
  it('splits marked and plain text, keeping markup-looking text as text', () => {
    expect(parseSnippet(`…the ${S}quantum${E} <b>cat</b> and ${S}quantity${E}`)).toEqual([
      { text: '…the ', mark: false },
      { text: 'quantum', mark: true },
      { text: ' <b>cat</b> and ', mark: false },
      { text: 'quantity', mark: true },
    ]);
  });

  it('copes with no marks, empty marks and an unclosed mark', () => {
    expect(parseSnippet('plain')).toEqual([{ text: 'plain', mark: false }]);
    expect(parseSnippet(`${S}${E}x`)).toEqual([{ text: 'x', mark: false }]);
    expect(parseSnippet(`a${S}b`)).toEqual([
      { text: 'a', mark: false },
      { text: 'b', mark: true },
    ]);
  });
});
