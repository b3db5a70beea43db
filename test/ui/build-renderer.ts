/** Builds only the renderer (the same settings as electron.vite.config.ts) for the UI harness. */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const fromRoot = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));

export const HARNESS_RENDERER_DIR = fromRoot('.cache/ui-harness/renderer');

/** `development` keeps React's dev checks (keys, effects, StrictMode double calls), which production strips. */
export async function buildRenderer(mode: 'production' | 'development' = 'production', outDir = HARNESS_RENDERER_DIR): Promise<string> {
  await build({
    configFile: false,
    root: fromRoot('src/renderer'),
    base: './',
    mode,
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    plugins: [react()],
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, minify: mode === 'production' },
  });
  return outDir;
}
