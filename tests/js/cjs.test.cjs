// Node CommonJS: `require('mpshield')` through pkg/package.json's exports
// (condition "node" + "require" → dist/node.cjs), then the shared smoke suite.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

test('CJS: require("mpshield") resolves to dist/node.cjs and passes the smoke suite', async (t) => {
  const { runSmoke } = await import('./smoke.mjs');
  const { linkPackage, requireByName, pkgDir, pkgVersion } = await import('./helpers/link.mjs');
  const link = linkPackage();
  t.after(link.cleanup);
  const { m, resolved } = requireByName(link.dir);
  assert.equal(resolved, path.join(pkgDir, 'dist/node.cjs'));
  const checks = await runSmoke(m, assert, { expectedVersion: pkgVersion() });
  assert.ok(checks > 300, `ran ${checks} checks`);
  assert.equal(m.default.init, m.init, 'require("mpshield").default is the same API');
  // The CommonJS and ESM builds are separate instances (the dual-package
  // hazard): each needs its own init().
  const esm = await import(path.join(pkgDir, 'dist/node.mjs'));
  assert.throws(() => esm.version(), { code: 'NOT_INITIALIZED' });
});
