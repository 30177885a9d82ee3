// Makes `mpshield` resolvable by name, as an installed package is: a
// temporary directory whose node_modules/mpshield links to pkg/, so that
// imports go through pkg/package.json's conditional exports exactly as they
// would for a user. One directory per test process (tests run in parallel).
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const pkgDir = path.join(root, 'pkg');

/** Creates the link directory; returns its path and a cleanup function. */
export function linkPackage() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpshield-link-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(pkgDir, path.join(dir, 'node_modules', 'mpshield'), 'dir');
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `import * as m from 'mpshield'` from inside `dir`; also where it resolved. */
export async function importByName(dir) {
  const loader = path.join(dir, 'load.mjs');
  writeFileSync(
    loader,
    "import * as m from 'mpshield';\nexport { m };\nexport const resolved = import.meta.resolve('mpshield');\n",
  );
  const { m, resolved } = await import(pathToFileURL(loader).href);
  return { m, resolved: fileURLToPath(resolved) };
}

/** `require('mpshield')` from inside `dir`; also where it resolved. */
export function requireByName(dir) {
  const req = createRequire(path.join(dir, 'load.cjs'));
  return { m: req('mpshield'), resolved: req.resolve('mpshield') };
}

/** The version in pkg/package.json. */
export function pkgVersion() {
  return createRequire(import.meta.url)(path.join(pkgDir, 'package.json')).version;
}
