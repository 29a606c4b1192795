/**
 * Extra Ollama servers (a GPU box, a laptop's), each its own provider in the model list and a
 * choice on the Models page. Saved at once through settings.update (the whole list).
 */
import { useAppStore } from '../../app/store';
import { ServerList, type ServerEntry } from './ServerList';

async function saveServers(next: ServerEntry[]): Promise<string | null> {
  const { updateSettings, loadModels, loadOllamaStatus } = useAppStore.getState();
  if (await updateSettings({ ollamaServers: next.map(({ id, label, baseUrl }) => ({ id, label, baseUrl })) })) {
    void loadModels();
    void loadOllamaStatus();
    return null;
  }
  const error = useAppStore.getState().settingsError ?? 'Could not save the server; check its URL.';
  useAppStore.setState({ settingsError: null });
  return error;
}

export function OllamaServersSection() {
  const servers = useAppStore((s) => s.settings?.ollamaServers ?? []);
  return (
    <ServerList
      text={{
        title: 'More Ollama servers',
        titleId: 'ollama-servers-title',
        listLabel: 'Extra Ollama servers',
        empty:
          'None yet. Add another machine’s Ollama (started with OLLAMA_HOST=0.0.0.0) to use its models beside this one.',
        noun: 'server',
        add: 'Add Ollama server',
        save: 'Save server',
        newGroup: 'New Ollama server',
        editGroup: 'Edit Ollama server',
        nameLabel: 'Server name',
        namePlaceholder: 'GPU box',
        urlLabel: 'Server URL',
        urlPlaceholder: 'http://192.168.1.20:11434',
      }}
      items={servers}
      save={saveServers}
    />
  );
}
