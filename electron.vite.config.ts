import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  main: {
    build: {
      // package.json dependencies (better-sqlite3, sharp, onnxruntime-node, ws, ...) load from node_modules.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: fromRoot('src/main/index.ts'),
          // The engine starts the projection worker by URL (`./umap.worker.js` beside the module that asks),
          // so it is its own entry, emitted next to index.js.
          'umap.worker': fromRoot('src/core/project/umap.worker.ts'),
          'clip-inference.worker': fromRoot('src/core/embed/clip-inference.worker.ts'),
          'clip-text.worker': fromRoot('src/core/embed/clip-text.worker.ts'),
          // DecodePool forks `./decode.child.js` beside the module that asks, as it does for the workers.
          'decode.child': fromRoot('src/core/decode/decode.child.ts'),
        },
        output: {
          entryFileNames: '[name].js',
          // Shared chunks stay in out/main too (not out/main/chunks/): a module that resolves
          // `./umap.worker.js` against its own URL must find it wherever the bundler put that module.
          chunkFileNames: '[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require node_modules: bundle everything except electron itself.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('src/preload/index.ts') },
        // CommonJS: with "type": "module" the default would be ESM, which Electron loads only with sandbox off.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: fromRoot('src/renderer'),
    // Relative asset URLs work both from file:// (Electron) and from the browser-mode server.
    base: './',
    plugins: [react()],
    build: {
      outDir: fromRoot('out/renderer'),
      rolldownOptions: { input: fromRoot('src/renderer/index.html') },
    },
  },
});
