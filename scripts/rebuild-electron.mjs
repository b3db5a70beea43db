#!/usr/bin/env node
/**
 * `npm run rebuild:electron`: builds better-sqlite3 for Electron's ABI into .cache/electron-native/, beside (not
 * over) the Node build in node_modules that the CLI, the server and the tests use. Electron main passes the result
 * to better-sqlite3 as its `nativeBinding` (src/main/native-binding.ts). Run it once after install and again after
 * upgrading electron or better-sqlite3. sharp and onnxruntime-node use N-API and need no second build.
 *
 * Tries better-sqlite3's published Electron prebuild first (prebuild-install, from GitHub), then compiles from
 * source with node-gyp against Electron's headers (from electronjs.org; needs a C++ toolchain).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** Keep in step with ELECTRON_SQLITE_BINDING_PATH in src/main/native-binding.ts. */
const TARGET = join(APP_DIR, '.cache/electron-native/better_sqlite3.node');
const WORK_DIR = join(APP_DIR, '.cache/electron-native/better-sqlite3-src');

const versionOf = (pkg) => JSON.parse(readFileSync(join(APP_DIR, 'node_modules', pkg, 'package.json'), 'utf8')).version;

function run(what, command, args) {
  console.log(`rebuild:electron: ${what}…`);
  const result = spawnSync(command, args, { cwd: WORK_DIR, stdio: 'inherit', timeout: 15 * 60_000 });
  return result.status === 0 && existsSync(join(WORK_DIR, 'build/Release/better_sqlite3.node'));
}

/** npm hands its bundled node-gyp to scripts; run directly, look in the npm installed beside node. */
function nodeGypScript() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((path) => path !== undefined && existsSync(path)) ?? null;
}

function main() {
  const electronVersion = versionOf('electron');
  const sqliteVersion = versionOf('better-sqlite3');
  const target = ['--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`];

  // Build in a copy, so a failed or partial build never replaces the Node build in node_modules.
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  cpSync(join(APP_DIR, 'node_modules/better-sqlite3'), WORK_DIR, {
    recursive: true,
    filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
  });

  const prebuildInstall = join(APP_DIR, 'node_modules/prebuild-install/bin.js');
  const gyp = nodeGypScript();
  const built =
    run(`downloading the better-sqlite3 ${sqliteVersion} prebuild for Electron ${electronVersion}`, process.execPath, [
      prebuildInstall,
      ...target,
    ]) ||
    (gyp !== null &&
      run(`compiling better-sqlite3 ${sqliteVersion} for Electron ${electronVersion}`, process.execPath, [
        gyp,
        'rebuild',
        '--release',
        ...target,
        '--dist-url=https://electronjs.org/headers',
      ]));

  if (!built) {
    rmSync(WORK_DIR, { recursive: true, force: true });
    console.error(
      'rebuild:electron: could not get better-sqlite3 for Electron (no prebuild download and no source build; see above).\n' +
        'Browser mode and the CLI do not need it: npm run cli -- serve',
    );
    return 1;
  }
  cpSync(join(WORK_DIR, 'build/Release/better_sqlite3.node'), TARGET);
  rmSync(WORK_DIR, { recursive: true, force: true });
  console.log(`rebuild:electron: wrote ${TARGET} (better-sqlite3 ${sqliteVersion}, Electron ${electronVersion}).`);
  return 0;
}

process.exitCode = main();
