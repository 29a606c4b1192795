import { describe, expect, it } from 'vitest';
import {
  inputOptions,
  mappingDraft,
  mappingInput,
  readWorkflow,
  workflowName,
  type MappingDraft,
} from './workflow-file';

const api = {
  '3': { class_type: 'KSampler', inputs: { seed: 1, steps: 20, cfg: 7, model: ['4', 0] } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a cat', clip: ['4', 1] }, _meta: { title: 'Positive' } },
};

const failed = (text: string, name = 'flow.json') => {
  const r = readWorkflow(text, name);
  return 'error' in r ? r.error : null;
};

describe('readWorkflow', () => {
  it('reads an API-format workflow', () => {
    expect(readWorkflow(JSON.stringify(api), 'flow.json')).toEqual({ workflow: api });
  });

  it('reads the body of a /prompt request', () => {
    expect(readWorkflow(JSON.stringify({ prompt: api, client_id: 'x' }), 'flow.json')).toEqual({ workflow: api });
  });

  it('says so when the file is not JSON', () => {
    expect(failed('<html>', 'flow.png')).toMatch(/“flow\.png” is not a JSON file.*Export \(API\)/);
  });

  it('recognises ComfyUI’s UI format and says how to export the API format', () => {
    const ui = { last_node_id: 9, last_link_id: 9, nodes: [{ id: 3, type: 'KSampler' }], links: [], version: 0.4 };
    expect(failed(JSON.stringify(ui))).toMatch(/UI format.*API format/);
  });

  it('refuses JSON that is not a workflow', () => {
    expect(failed('[1,2]')).toMatch(/not a ComfyUI workflow/);
    expect(failed('"x"')).toMatch(/not a ComfyUI workflow/);
    expect(failed('{}')).toMatch(/no nodes/);
    expect(failed(JSON.stringify({ '3': { inputs: {} } }))).toMatch(/“3” is not a node/);
    expect(failed(JSON.stringify({ 'a b': { class_type: 'X', inputs: {} } }))).toMatch(/node id/);
    const many = Object.fromEntries(
      Array.from({ length: 501 }, (_, i) => [String(i), { class_type: 'X', inputs: {} }]),
    );
    expect(failed(JSON.stringify(many))).toMatch(/501 nodes/);
  });

  it('names the workflow after its file', () => {
    expect(workflowName('portrait-flow.json')).toBe('portrait-flow');
    expect(workflowName('.json')).toBe('Workflow');
  });
});

describe('the mapping form', () => {
  const nodes = [
    { id: '3', classType: 'KSampler', inputs: ['seed', 'steps'] },
    { id: '6', classType: 'CLIPTextEncode', inputs: ['text'] },
  ];
  const options = inputOptions(nodes);

  it('offers every node input as "<node id> · <class type> · <input>"', () => {
    expect(options).toEqual([
      { value: '3.seed', label: '3 · KSampler · seed' },
      { value: '3.steps', label: '3 · KSampler · steps' },
      { value: '6.text', label: '6 · CLIPTextEncode · text' },
    ]);
  });

  it('starts from the app’s suggestion, leaving out inputs that are not offered', () => {
    const d = mappingDraft({ prompt: '6.text', seed: '3.seed', width: '9.width' }, options);
    expect(d).toMatchObject({ prompt: '6.text', seed: '3.seed', width: '', steps: '' });
  });

  it('needs the prompt, drops unmapped parameters and refuses one input for two parameters', () => {
    const d = mappingDraft({ seed: '3.seed' }, options);
    expect(mappingInput(d)).toEqual({ error: 'Choose the node input that takes the prompt.' });
    expect(mappingInput({ ...d, prompt: '6.text' })).toEqual({ mapping: { prompt: '6.text', seed: '3.seed' } });
    const twice: MappingDraft = { ...d, prompt: '6.text', negativePrompt: '6.text' };
    expect(mappingInput(twice)).toMatchObject({
      error: expect.stringMatching(/Prompt and Negative prompt both use 6\.text/),
    });
  });
});
