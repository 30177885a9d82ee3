// The mini-program build in Douyin (抖音) mini-programs: the emulated
// runtime with Douyin's names (`tt`, `TTWebAssembly`; no `wx`,
// `WXWebAssembly`, nor any web global), under both profiles: the shared
// smoke suite, entropy from tt.getRandomValues, the module from the default
// path or init({ wasmPath }), storage.wx(tt), and the load failures
// (no TTWebAssembly, a missing module) as WASM_LOAD_FAILED.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { MISSING_GLOBALS, createMiniProgram, installSmoke, makePackageRoot, repoRoot } from './emulator.mjs';

const version = JSON.parse(readFileSync(path.join(repoRoot, 'pkg/package.json'), 'utf8')).version;
const DEFAULT_PATH = '/miniprogram_npm/mpshield/mpshield_bg.wasm.br';

function douyin(t, options = {}) {
  const pkg = makePackageRoot(options.npmDirs);
  t.after(pkg.cleanup);
  return createMiniProgram({ profile: 'android', ...options, host: 'douyin', root: pkg.root });
}

async function inSandbox(mp, body) {
  return JSON.parse(await mp.run(`(async function () { ${body} })().then(function (v) { return JSON.stringify(v === undefined ? null : v); })`));
}

test('douyin sandbox: tt and TTWebAssembly, no wx, WXWebAssembly or web globals', (t) => {
  const mp = douyin(t);
  for (const name of [...MISSING_GLOBALS, 'wx', 'WXWebAssembly']) assert.equal(mp.run(`typeof ${name}`), 'undefined', name);
  assert.equal(mp.run('typeof tt.getRandomValues'), 'function');
  assert.equal(mp.run('typeof TTWebAssembly.instantiate'), 'function');
});

for (const profile of ['ios', 'android']) {
  test(`douyin ${profile}: require('mpshield') passes the shared smoke suite`, async (t) => {
    const mp = douyin(t, { profile });
    installSmoke(mp);
    mp.context.assert = assert;
    const checks = await mp.run(`__mpshieldSmoke.runSmoke(require('mpshield'), assert, { expectedVersion: ${JSON.stringify(version)}, phoneModule: true })`);
    assert.ok(checks > 300, `ran ${checks} checks`);
    assert.deepEqual(mp.log.instantiate, [DEFAULT_PATH]);
    assert.ok(mp.log.getRandomValues.length >= 1, 'seeded from tt.getRandomValues');
    assert.deepEqual(mp.log.warnings, []);
  });
}

test('douyin: a sub-package path, storage.wx(tt), and a consent log saved and loaded', async (t) => {
  const mp = douyin(t, { npmDirs: ['pkgA'] });
  const r = await inSandbox(
    mp,
    `var m = require('/pkgA/miniprogram_npm/mpshield/index.js');
     var first = await m.init().then(function () { return 'ok'; }, function (e) { return e.code; });
     await m.init({ wasmPath: '/pkgA/miniprogram_npm/mpshield/mpshield_bg.wasm.br' });
     var key = m.SigningKey.generate('EdDSA');
     var log = m.ConsentLog.create({ signingKey: key, origin: 'douyin.example/device' });
     var storageKey = m.randomBytes(32);
     await log.save(m.storage.wx(tt), storageKey);
     var again = await m.ConsentLog.load(m.storage.wx(tt), storageKey, { signingKey: key, origin: 'douyin.example/device' });
     return [first, again.size, m.idcard.parse('440524188001010014').province];`,
  );
  assert.deepEqual(r, ['WASM_LOAD_FAILED', 0, '广东省']);
  assert.ok(mp.store.size > 0, 'written to tt storage');
});

test('douyin: no TTWebAssembly is WASM_LOAD_FAILED; no tt.getRandomValues is NO_ENTROPY unless init({ entropy })', async (t) => {
  const noWasm = douyin(t, { wxWebAssembly: false });
  const a = await inSandbox(noWasm, `return require('mpshield').init().catch(function (e) { return [e.code, e.message]; });`);
  assert.equal(a[0], 'WASM_LOAD_FAILED');
  assert.match(a[1], /no WXWebAssembly \(nor TTWebAssembly\).*Douyin: 2\.92\.0\.0/);
  const noRandom = douyin(t, { randomValues: 'absent' });
  const b = await inSandbox(
    noRandom,
    `var m = require('mpshield');
     var first = await m.init().then(function () { return 'ok'; }, function (e) { return e.code; });
     var e = new Uint8Array(32);
     for (var i = 0; i < 32; i++) e[i] = (i * 57 + 3) & 255;
     await m.init({ entropy: e });
     return [first, m.randomBytes(8).length];`,
  );
  assert.deepEqual(b, ['NO_ENTROPY', 8]);
});
