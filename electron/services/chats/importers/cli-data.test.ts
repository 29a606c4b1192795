/** The CLI's `import` and `export` on the same services: other formats, Markdown, usage errors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../serve/cli';
import { makeTempDir, removeTempDirs } from '../../../../e2e/support/services';

afterEach(() => removeTempDirs());

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli({
    argv,
    env: { OLLAMA_BASE_URL: 'http://127.0.0.1:9' },
    cwd: makeTempDir(),
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    staticDir: makeTempDir(),
    onSignal: () => {},
  });
  return { code, stdout, stderr };
}

const FIXTURES = join(__dirname, '../../../../e2e/support/imports');

describe('hearth import / export (formats)', () => {
  it('imports a ChatGPT export with a report, then exports one chat as Markdown', async () => {
    const dataDir = makeTempDir();
    const imp = await run(['import', '--data-dir', dataDir, join(FIXTURES, 'chatgpt-conversations.json')]);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain('Imported 2 chat(s) and 6 message(s) from');
    expect(imp.stdout).toContain('(chatgpt)');
    expect(imp.stdout).toContain('Skipped 3:\n  3 messages in "Sourdough starter help": system, tool and hidden');

    const all = await run(['export', '--data-dir', dataDir]);
    const chats = JSON.parse(all.stdout).chats as { id: string; title: string }[];
    const id = chats.find((c) => c.title === 'Regex for ISO dates')!.id;
    const out = join(makeTempDir(), 'regex.md');
    const md = await run(['export', '--data-dir', dataDir, '--format', 'markdown', '--chat', id, '--out', out]);
    expect(md.code).toBe(0);
    expect(md.stderr).toContain(`Exported the chat as Markdown to ${out}`);
    expect(readFileSync(out, 'utf8')).toContain(
      '## You\n\nWrite a regex that matches 2024-05-01.\n\n## Assistant (gpt-4o-mini)\n\n`^\\d{4}-\\d{2}-\\d{2}$`',
    );

    const owui = await run(['import', '--data-dir', dataDir, join(FIXTURES, 'openwebui-chat-export.json')]);
    expect(owui.stdout).toContain('Imported 2 chat(s) and 6 message(s)');
    expect(owui.stdout).toContain('(openwebui)');
  });

  it('exits 2 on a bad format or a Markdown export without a chat', async () => {
    const dataDir = makeTempDir();
    const bad = await run(['export', '--data-dir', dataDir, '--format', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown export format "pdf"');
    const noChat = await run(['export', '--data-dir', dataDir, '--format', 'markdown']);
    expect(noChat.code).toBe(2);
    expect(noChat.stderr).toContain('--format markdown --chat ID');
  });
});
