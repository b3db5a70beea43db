// Layer boundaries (see ARCHITECTURE.md) are enforced here: a file that imports from a layer it may not use fails lint.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'url', 'stream', 'util'];
const pattern = (group, message) => ({ group, message });

const layer = (files, forbidden) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: forbidden }] },
});

export default tseslint.config(
  // wasm/ holds AssemblyScript, which its own compiler checks (npm run build:wasm).
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'resources/**', '.cache/**', 'test-results/**', 'wasm/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  layer(['src/shared/**'], [
    pattern(nodeBuiltins, 'src/shared is runtime-neutral: no Node built-ins.'),
    pattern(['electron', 'react', 'react-dom', '@deck.gl/*', 'better-sqlite3', 'sharp', 'onnxruntime-node', 'ws'], 'src/shared imports no runtime library.'),
    pattern(['**/core/**', '**/renderer/**', '**/main/**', '**/preload/**', '**/server/**', '**/cli/**'], 'src/shared imports only src/shared.'),
  ]),
  layer(['src/renderer/**'], [
    pattern(nodeBuiltins, 'The renderer runs in a browser: no Node built-ins.'),
    pattern(['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node', 'ws'], 'The renderer reaches the engine only through the shared API client.'),
    pattern(['**/core/**', '**/main/**', '**/preload/**', '**/server/**', '**/cli/**'], 'The renderer imports only src/shared and src/renderer.'),
  ]),
  layer(['src/core/**'], [
    pattern(['electron', 'electron/*'], 'src/core is plain Node: it never imports electron.'),
    pattern(['react', 'react-dom', '@deck.gl/*'], 'src/core has no UI.'),
    pattern(['**/renderer/**', '**/main/**', '**/preload/**', '**/server/**', '**/cli/**'], 'src/core imports only src/shared and src/core.'),
  ]),
  layer(['src/server/**', 'src/cli/**'], [
    pattern(['electron', 'electron/*'], 'Hosts other than the Electron shell never import electron.'),
    pattern(['**/renderer/**', '**/main/**', '**/preload/**'], 'Hosts import core and shared only.'),
  ]),
  layer(['src/preload/**'], [
    pattern(['**/core/**', '**/renderer/**', '**/server/**', '**/cli/**'], 'The preload is a narrow bridge: shared types only.'),
  ]),
);
