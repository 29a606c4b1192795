// Lint, including the layering rules from DESIGN.md:
//   shared/ imports nothing from electron/ or renderer/, no node:*, no DOM-only code;
//   renderer/ imports only shared/ (no Electron, no Node);
//   electron/services never imports 'electron';
//   raw ipcMain / ipcRenderer / webContents.send only inside the two typed wrappers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'https',
  'net',
  'url',
  'util',
  'stream',
  'worker_threads',
  'module',
];

const rawIpcBan = {
  paths: [
    { name: 'electron', importNames: ['ipcMain'], message: 'Use the typed wrapper in electron/main/ipc-main.ts.' },
    {
      name: 'electron',
      importNames: ['ipcRenderer'],
      message: 'Use the typed wrapper in electron/preload/ipc-renderer.ts.',
    },
  ],
};

const webContentsSendBan = {
  selector:
    "CallExpression[callee.type='MemberExpression'][callee.property.name='send'][callee.object.type='MemberExpression'][callee.object.property.name='webContents']",
  message: 'Send events through the typed wrapper in electron/main/ipc-main.ts.',
};

// Test support (fake servers, test helpers, test images, fixtures) lives in e2e/. The app never
// imports it: a production module that did would ship test code, or break once it is left out.
const TEST_SUPPORT = /(^|\/)e2e(\/|$)/;
const noTestSupport = {
  meta: {
    type: 'problem',
    docs: { description: 'Production code may not import test support (e2e/).' },
    schema: [],
  },
  create(context) {
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      if (!TEST_SUPPORT.test(source.value)) return;
      context.report({
        node: source,
        message: `"{{spec}}" is test support: production code (electron/, renderer/, shared/) may not import from e2e/.`,
        data: { spec: source.value },
      });
    };
    return {
      ImportDeclaration: check,
      ImportExpression: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      'CallExpression[callee.name="require"]': (node) => check({ source: node.arguments[0] }),
    };
  },
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      '.bench-*/**',
      'dist/**',
      'node_modules/**',
      'playwright-report/**',
      'test-results/**',
      'coverage/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-restricted-imports': ['error', rawIpcBan],
      'no-restricted-syntax': ['error', webContentsSendBan],
    },
  },
  {
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' }, // Playwright fixtures destructure `{}` by design
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/electron/**', '**/renderer/**', 'electron', ...NODE_BUILTINS],
              message: 'shared/ is the contract: it may not depend on Node, Electron or the renderer.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/electron/**', 'electron', 'electron/*', ...NODE_BUILTINS],
              message:
                'The renderer may import only shared/ (and browser packages); it reaches the app through renderer/src/client.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'electron/services is plain Node: inject what you need from electron/main instead.',
            },
          ],
          patterns: [
            {
              group: ['**/electron/main/**', '**/renderer/**'],
              message: 'Services may not depend on the shell or the renderer.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.{ts,tsx,mjs,cjs}', 'renderer/**/*.{ts,tsx}', 'shared/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    plugins: { hearth: { rules: { 'no-test-support': noTestSupport } } },
    rules: { 'hearth/no-test-support': 'error' },
  },
  {
    files: ['electron/main/ipc-main.ts', 'electron/preload/ipc-renderer.ts'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' },
  },
);
