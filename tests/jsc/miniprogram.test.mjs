// The mini-program bundle in JavaScriptCore itself (`make test-jsc`): the
// shared smoke suite and the flow scenarios run in `jsc --useJIT=false`,
// the engine iOS WeChat runs mini-programs in, under the "jsc" profile of
// the emulated runtime (tests/miniprogram/jsc/: host.js is the WeChat host,
// profile.mjs lays out pkg/dist/miniprogram as shipped and checks its
// hashes). The wallet runs in the mini-program realm; the issuer and the
// relying parties in a second realm of the same process with Node's build
// of the package (they are servers). One process for everything, so the
// module is compiled once; about a minute on 2 cores.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GM_WASM_PATH, WASM_PATH, engineOptions, jscAvailable, prepareJsc, repoRoot } from '../miniprogram/jsc/profile.mjs';

const version = JSON.parse(readFileSync(path.join(repoRoot, 'pkg/package.json'), 'utf8')).version;
const SCENARIOS = ['smoke', 'server realm: Node build, init', 'flow: hotel check-in (storage.wx and memory)', 'flow: car rental', 'flow: refusals', 'flow: failure injection'];

const driver = `(function () {
  var T = __mpTest, S = __mpScenarios, rp = null;
  var m = require('mpshield');
  var steps = [
    ['smoke', function () { return S.smoke(m, ${JSON.stringify(version)}); }],
    ['server realm: Node build, init', function () { rp = T.serverRealm(); return rp.init(); }],
    ['flow: hotel check-in (storage.wx and memory)', function () { return S.hotel(m, rp, wx); }],
    ['flow: car rental', function () { return S.carRental(m, rp); }],
    ['flow: refusals', function () { return S.refusals(m, rp); }],
    ['flow: failure injection', function () { return S.failureInjection(m, rp); }],
  ];
  var next = function (i) {
    if (i === steps.length) return T.done();
    return T.run(steps[i][0], steps[i][1]).then(function () { return next(i + 1); });
  };
  next(0);
})();
`;

test('jsc --useJIT=false: the smoke suite and the flow pass in the mini-program bundle as shipped', { skip: !jscAvailable() && !process.env.MPSHIELD_REQUIRE_PEERS && 'no /usr/bin/jsc (scripts/setup.sh installs it)' }, async (t) => {
  assert.ok(jscAvailable(), 'no /usr/bin/jsc: run scripts/setup.sh (Debian libjavascriptcoregtk-4.0-bin)');
  const opts = engineOptions('nojit');
  assert.deepEqual([opts.useJIT, opts.useLLInt, opts.useBaselineJIT, opts.useBBQJIT, opts.useOMGJIT, opts.useWasmIPInt], ['false', 'true', 'false', 'false', 'false', 'true'], 'JS in LLInt and WebAssembly in IPInt, no JIT tier');
  const mp = await prepareJsc();
  t.after(mp.cleanup);
  const r = await mp.run(driver, { mode: 'nojit', timeoutMs: 150000 });
  for (const s of r.results) t.diagnostic(`${s.scenario}: ${s.ok ? 'ok' : 'FAILED'} in ${(s.ms / 1000).toFixed(1)} s${s.ok && typeof s.value === 'number' ? ` (${s.value} checks)` : ''}`);
  t.diagnostic(`jsc process: ${(r.ms / 1000).toFixed(1)} s`);
  for (const s of r.results) assert.ok(s.ok, `${s.scenario} failed in jsc:\n${s.error}`);
  assert.ok(!r.timedOut, `jsc did not finish in time; stdout:\n${r.stdout.slice(-2000)}\nstderr:\n${r.stderr.slice(-2000)}`);
  assert.ok(r.done, `jsc ended without reporting (status ${r.status}); stdout:\n${r.stdout.slice(-2000)}\nstderr:\n${r.stderr.slice(-2000)}`);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.results.map((s) => s.scenario), SCENARIOS);
  assert.ok(r.results[0].value > 300, `the smoke suite ran ${r.results[0].value} checks`);
  assert.deepEqual(r.done.log.instantiate, [WASM_PATH], 'loaded once, through WXWebAssembly, from the default path');
  assert.ok(r.done.log.getRandomValues.length >= 2, 'seeded and topped up from wx.getRandomValues');
  assert.ok(r.done.log.storage.length > 0, 'the hotel check-in used wx storage');
  assert.deepEqual(r.done.log.warnings, [], 'no console warnings or errors');
});

// The gm (国密) phone module in jsc: loaded from a code-package path as a
// gm deployment lays it out, the gm hotel check-in through wx storage.
const gmDriver = `(function () {
  var T = __mpTest, S = __mpScenarios;
  var m = require('mpshield');
  T.run('gm: init', function () { return m.init({ wasmPath: ${JSON.stringify(GM_WASM_PATH)}, suite: 'gm' }); })
    .then(function () {
      var rp = T.serverRealm();
      return T.run('gm: hotel check-in (storage.wx)', function () { return rp.init().then(function () { return S.gmHotel(m, rp, wx); }); });
    })
    .then(function () { T.done(); });
})();
`;

test('jsc --useJIT=false: the gm hotel check-in in the gm phone module as shipped', { skip: !jscAvailable() && !process.env.MPSHIELD_REQUIRE_PEERS && 'no /usr/bin/jsc (scripts/setup.sh installs it)' }, async (t) => {
  assert.ok(jscAvailable(), 'no /usr/bin/jsc: run scripts/setup.sh (Debian libjavascriptcoregtk-4.0-bin)');
  const mp = await prepareJsc();
  t.after(mp.cleanup);
  const r = await mp.run(gmDriver, { mode: 'nojit', timeoutMs: 150000 });
  for (const s of r.results) t.diagnostic(`${s.scenario}: ${s.ok ? 'ok' : 'FAILED'} in ${(s.ms / 1000).toFixed(1)} s`);
  for (const s of r.results) assert.ok(s.ok, `${s.scenario} failed in jsc:\n${s.error}`);
  assert.ok(!r.timedOut, `jsc did not finish in time; stderr:\n${r.stderr.slice(-2000)}`);
  assert.ok(r.done, `jsc ended without reporting (status ${r.status}); stdout:\n${r.stdout.slice(-2000)}\nstderr:\n${r.stderr.slice(-2000)}`);
  assert.deepEqual(r.results.map((s) => s.scenario), ['gm: init', 'gm: hotel check-in (storage.wx)']);
  assert.deepEqual(r.done.log.instantiate, [GM_WASM_PATH], 'the gm module, loaded once through WXWebAssembly');
  assert.ok(r.done.log.storage.length > 0, 'the check-in used wx storage');
  assert.deepEqual(r.done.log.warnings, [], 'no console warnings or errors');
});

// The host shim's own strictness, so that it is tested, not assumed (as
// tests/miniprogram/runtime.test.mjs does for the vm profiles).
test('jsc profile: the global object holds only what WeChat exposes, and the host refuses what WeChat refuses', { skip: !jscAvailable() && !process.env.MPSHIELD_REQUIRE_PEERS && 'no /usr/bin/jsc' }, async (t) => {
  const { MISSING_GLOBALS, PRESENT_GLOBALS, RANDOM_VALUES_MAX } = await import('../miniprogram/emulator.mjs');
  const mp = await prepareJsc({ server: false });
  t.after(mp.cleanup);
  const probe = `(function () {
    var T = __mpTest;
    var outcome = function (p) { return p.then(function () { return 'ok'; }, function (e) { return 'refused: ' + (e && (e.message || e.errMsg)); }); };
    T.run('probe', function () {
      var types = {};
      ${JSON.stringify([...MISSING_GLOBALS, ...PRESENT_GLOBALS, 'print', 'readFile', 'load', '$262', 'eval', 'setInterval', 'clearTimeout'])}
        .forEach(function (n) { types[n] = typeof globalThis[n]; });
      var cleared = false;
      var id = setTimeout(function () { cleared = 'fired'; }, 5);
      clearTimeout(id);
      return Promise.all([
        outcome(WXWebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), {})),
        outcome(WXWebAssembly.instantiate('/miniprogram_npm/mpshield/index.js', {})),
        outcome(WXWebAssembly.instantiate('/nowhere.wasm', {})),
        outcome(wx.getRandomValues({ length: ${RANDOM_VALUES_MAX + 1} })),
        wx.getRandomValues({ length: 16 }).then(function (r) { return Object.prototype.toString.call(r.randomValues) + ' ' + r.randomValues.byteLength; }),
        new Promise(function (resolve) { setTimeout(function () { resolve(cleared); }, 20); }),
      ]).then(function (r) {
        var quota;
        try { wx.setStorageSync('big', 'x'.repeat(1024 * 1024)); quota = 'stored'; } catch (e) { quota = e.message; }
        return { types: types, results: r, quota: quota };
      });
    }).then(T.done);
  })();`;
  const r = await mp.run(probe, { mode: 'nojit', scripts: [] });
  assert.ok(r.done && r.results[0] && r.results[0].ok, r.stdout + r.stderr);
  const { types, results, quota } = r.results[0].value;
  for (const n of MISSING_GLOBALS) assert.equal(types[n], 'undefined', `${n} must be missing`);
  for (const n of PRESENT_GLOBALS) assert.notEqual(types[n], 'undefined', `${n} must be present`);
  for (const n of ['print', 'readFile', 'load', '$262', 'eval']) assert.equal(types[n], 'undefined', `the shell's ${n} must be gone`);
  assert.equal(types.setInterval, 'function');
  assert.equal(types.clearTimeout, 'function');
  assert.match(results[0], /refused: .*path string/, 'bytes are refused');
  assert.match(results[1], /refused: .*not a code-package path/, 'a .js path is refused');
  assert.match(results[2], /refused: .*not found/, 'a missing file is refused');
  assert.match(results[3], /refused: getRandomValues:fail invalid length/, 'more than 1 MiB is refused');
  assert.equal(results[4], '[object ArrayBuffer] 16');
  assert.equal(results[5], false, 'a cleared timer does not fire');
  assert.match(quota, /exceed storage item max length/);
});
