// Issue 11 in the Node runtime, with both modules the package ships: the
// release one Node loads by default (dist/mpshield_bg.wasm) and the compact
// one of the browser and mini-program bundles (dist/mpshield_compact_bg.wasm,
// loaded into a second copy of dist/node.mjs). A 10,000-link chain of nested
// disclosures is INVALID_CREDENTIAL for sdjwt.decode, sdjwt.verify and
// wallet.addCredential, and the instance keeps answering afterwards
// (helpers/depth-bomb.mjs).
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { importByName, linkPackage, pkgDir } from './helpers/link.mjs';
import { depthBomb } from './helpers/depth-bomb.mjs';

const link = linkPackage();
test.after(link.cleanup);

test('release module: a chain of nested disclosures is refused and the instance keeps working', async () => {
  const { m } = await importByName(link.dir);
  await m.init();
  await depthBomb(m, assert);
});

test('compact module: a chain of nested disclosures is refused and the instance keeps working', async () => {
  // A second module instance of the Node bundle (its own wasm instance).
  const url = pathToFileURL(path.join(pkgDir, 'dist/node.mjs')).href + '?compact';
  const m = await import(url);
  await m.init({ wasmPath: path.join(pkgDir, 'dist/mpshield_compact_bg.wasm') });
  await depthBomb(m, assert);
});
