/**
 * Extra OpenAI-compatible endpoints (LM Studio, vLLM, OpenRouter…), each its own provider in the
 * model list. Keys are write-only: the page only learns whether one is stored.
 */
import { useAppStore } from '../../app/store';
import { ServerList, type ServerEntry } from './ServerList';

async function saveEndpoints(next: ServerEntry[]): Promise<string | null> {
  const { updateSettings, loadModels } = useAppStore.getState();
  if (await updateSettings({ openaiEndpoints: next })) {
    void loadModels();
    return null;
  }
  // Shown beside the endpoint rather than at the foot of the page.
  const error = useAppStore.getState().settingsError ?? 'Could not save the endpoint; check the base URL.';
  useAppStore.setState({ settingsError: null });
  return error;
}

export function EndpointsSection() {
  const endpoints = useAppStore((s) => s.settings?.openaiEndpoints ?? []);
  return (
    <ServerList
      text={{
        title: 'More OpenAI-compatible endpoints',
        titleId: 'endpoints-title',
        listLabel: 'Endpoints',
        empty: 'None yet. Add LM Studio, llama.cpp, vLLM, OpenRouter or another OpenAI-compatible API.',
        noun: 'endpoint',
        add: 'Add endpoint',
        save: 'Save endpoint',
        newGroup: 'New endpoint',
        editGroup: 'Edit endpoint',
        nameLabel: 'Endpoint name',
        namePlaceholder: 'LM Studio',
        urlLabel: 'Endpoint base URL',
        urlPlaceholder: 'http://127.0.0.1:1234/v1',
      }}
      items={endpoints}
      describe={(e) =>
        e.apiKeyUnreadable ? (
          <span className="pull-error">key unreadable (the secret key changed): edit to enter it again</span>
        ) : (
          <span className="muted">{e.apiKeySet ? 'key stored' : 'no key'}</span>
        )
      }
      extraFields={(draft, setDraft) => (
        <label>
          Endpoint API key
          <input
            type="password"
            autoComplete="off"
            value={draft.apiKey ?? ''}
            placeholder={
              draft.id && endpoints.find((e) => e.id === draft.id)?.apiKeySet
                ? 'A key is stored (encrypted). Type to replace it.'
                : 'Optional for local servers'
            }
            onChange={(e) => setDraft({ ...draft, apiKey: e.target.value })}
          />
        </label>
      )}
      save={saveEndpoints}
    />
  );
}
