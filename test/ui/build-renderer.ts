/** Builds only the renderer (the same settings as electron.vite.config.ts) for the UI harness. */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const fromRoot = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));

export const HARNESS_RENDERER_DIR = fromRoot('.cache/ui-harness/renderer');

/** `development` keeps React's dev checks (keys, effects, StrictMode double calls), which production strips. */
export async function buildRenderer(mode: 'production' | 'development' = 'production', outDir = HARNESS_RENDERER_DIR): Promise<string> {
  // Vite and the React plugin choose the JSX runtime from NODE_ENV, which vitest sets to 'test': a production
  // bundle built from inside a test would call the dev runtime, absent from React's production build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = mode;
  try {
    await viteBuild(mode, outDir);
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

async function viteBuild(mode: 'production' | 'development', outDir: string): Promise<void> {
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
}
