// Node ESM: `import 'mpshield'` through pkg/package.json's exports
// (condition "node" + "import" → dist/node.mjs), then the shared smoke suite.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runSmoke } from './smoke.mjs';
import { importByName, linkPackage, pkgDir, pkgVersion } from './helpers/link.mjs';

test('ESM: import "mpshield" resolves to dist/node.mjs and passes the smoke suite', async (t) => {
  const link = linkPackage();
  t.after(link.cleanup);
  const { m, resolved } = await importByName(link.dir);
  assert.equal(resolved, path.join(pkgDir, 'dist/node.mjs'));
  const checks = await runSmoke(m, assert, { expectedVersion: pkgVersion() });
  assert.ok(checks > 300, `ran ${checks} checks`);

  // The default export is the same API.
  assert.equal(m.default.version(), m.version());
  assert.ok(Object.isFrozen(m.default), 'the default export object is frozen');
  assert.ok(Object.isFrozen(m.idcard), 'namespaces are frozen');

  // init({ wasmPath }) with a file path or a file: URL loads nothing new (the
  // module is loaded once) but is accepted.
  await m.init({ wasmPath: path.join(pkgDir, 'dist/mpshield_bg.wasm') });
  await m.init({ entropy: new Uint8Array(32).map((_, i) => i) });
});

test('ESM: init({ wasmPath }) loads the module from that file (fresh process)', async () => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, copyFileSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpshield-wasm-'));
  try {
    const moved = path.join(dir, 'moved.wasm');
    copyFileSync(path.join(pkgDir, 'dist/mpshield_bg.wasm'), moved);
    const script = `
      const m = await import(${JSON.stringify(path.join(pkgDir, 'dist/node.mjs'))});
      const wrong = await m.init({ wasmPath: ${JSON.stringify(path.join(dir, 'missing.wasm'))} }).then(() => 'resolved', (e) => e.code);
      await m.init({ wasmPath: ${JSON.stringify(moved)} });
      console.log(JSON.stringify({ wrong, version: m.version() }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), { wrong: 'WASM_LOAD_FAILED', version: pkgVersion() });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
