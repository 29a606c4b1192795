/** The quick prompt's footer: its keys, in the words of the platform (⌘ on a Mac, Ctrl elsewhere). */

export function isMacPlatform(platform: string | null): boolean {
  if (platform) return platform === 'darwin';
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
}

export function QuickKeys(props: { mod: string; desktop: boolean; saving: boolean; streaming: boolean }) {
  const { mod, desktop, saving, streaming } = props;
  const keys: [string, string][] = [
    ['Enter', 'send'],
    ['Shift+Enter', 'new line'],
    ['Esc', desktop ? 'hide' : 'collapse'],
    [`${mod}+Enter`, 'continue in Hearth'],
    [`${mod}+M`, 'model'],
    [`${mod}+Shift+V`, 'attach clipboard'],
    [`${mod}+N`, 'new'],
  ];
  if (streaming) keys.splice(1, 0, [`${mod}+.`, 'stop']);
  return (
    <footer className="quick-keys">
      <ul aria-label="Keys">
        {keys.map(([key, what]) => (
          <li key={key}>
            <kbd>{key}</kbd> {what}
          </li>
        ))}
      </ul>
      <span className="quick-saving">{saving ? 'Saved in the “Quick” folder' : 'Not saved (Settings › Desktop)'}</span>
    </footer>
  );
}
