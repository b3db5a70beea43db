/**
 * The installed packages a set of root packages needs at run time, found the way Node resolves them (the
 * package's own node_modules, then each enclosing one). pack.sh archives only these, so that the GPU machine gets
 * onnxruntime-node, sharp and tsx without electron, vite or deck.gl (the 64 MiB the device call carries).
 *
 *   npx tsx bench/embed/device/runtime-closure.ts NODE_MODULES_DIR ROOT_PACKAGE... [--skip NAME,NAME]
 *
 * Prints one path per line, relative to NODE_MODULES_DIR's parent (e.g. node_modules/sharp).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const manifestSchema = z.object({
  name: z.string().optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
});

/**
 * Directories (absolute) of `roots` and everything they depend on, sorted. Optional dependencies that are not
 * installed (other platforms' binaries) are left out; a missing required one, or a manifest that does not parse,
 * throws naming the package.json. `skip` names packages never followed (e.g. install-time-only helpers).
 */
export function runtimePackageDirs(nodeModulesDir: string, roots: readonly string[], skip: ReadonlySet<string> = new Set()): string[] {
  const top = resolve(nodeModulesDir);
  const found = new Set<string>();
  const visit = (dir: string): void => {
    if (found.has(dir)) return;
    found.add(dir);
    const manifestPath = join(dir, 'package.json');
    const manifest = readManifest(manifestPath);
    const optional = new Set(Object.keys(manifest.optionalDependencies ?? {}));
    const names = new Set([...Object.keys(manifest.dependencies ?? {}), ...optional]);
    for (const name of names) {
      if (skip.has(name)) continue;
      const resolved = resolvePackageDir(dir, name, top);
      if (resolved) visit(resolved);
      else if (!optional.has(name)) throw new Error(`${manifestPath}: dependency ${name} is not installed`);
    }
  };
  for (const root of roots) {
    const dir = join(top, root);
    if (!existsSync(join(dir, 'package.json'))) throw new Error(`${dir}: package ${root} is not installed`);
    visit(dir);
  }
  return [...found].sort();
}

function readManifest(path: string): z.infer<typeof manifestSchema> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: cannot read as JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Node's lookup: `<dir>/node_modules/<name>`, then in each enclosing node_modules up to `top`. */
function resolvePackageDir(fromDir: string, name: string, top: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === dirname(top) || dir === dirname(dir)) return null;
    dir = dirname(dir);
  }
}

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { skip: { type: 'string' } } });
  const [nodeModulesDir, ...roots] = positionals;
  if (!nodeModulesDir || roots.length === 0) throw new Error('Usage: runtime-closure.ts NODE_MODULES_DIR ROOT_PACKAGE... [--skip NAME,NAME]');
  const skip = new Set((values.skip ?? '').split(',').filter((name) => name.length > 0));
  const base = dirname(resolve(nodeModulesDir));
  for (const dir of runtimePackageDirs(nodeModulesDir, roots, skip)) console.log(relative(base, dir));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
