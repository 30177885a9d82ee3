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
import { WASM_PATH, engineOptions, jscAvailable, prepareJsc, repoRoot } from '../miniprogram/jsc/profile.mjs';

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
