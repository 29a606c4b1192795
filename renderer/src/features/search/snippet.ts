/** Search snippets mark matches with SNIPPET_START … SNIPPET_END; split them into plain and marked parts. */
import { SNIPPET_END, SNIPPET_START } from '../../../../shared/types/domain';

export interface SnippetPart {
  text: string;
  mark: boolean;
}

export function parseSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let mark = false;
  let text = '';
  const flush = () => {
    if (text) parts.push({ text, mark });
    text = '';
  };
  for (const ch of snippet) {
    if (ch === SNIPPET_START) {
      flush();
      mark = true;
    } else if (ch === SNIPPET_END) {
      flush();
      mark = false;
    } else text += ch;
  }
  flush();
  return parts;
}
