// Traps in the emulated WeChat runtime (see ../js/traps.test.mjs for the
// attack): the mini-program bundle records a trap raised after an await,
// and once the instance is dead the garbage collector's finalizers no
// longer free() into it. The instance is instrumented inside the sandbox:
// WXWebAssembly.instantiate is wrapped so that the glue receives the real
// exports behind functions the test can make throw (`__trap.throwOn`) and
// whose `__wbg_*_free` throw once `__trap.deadFree` is set, as free() into
// a corrupted instance may.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMiniProgram, makePackageRoot } from './emulator.mjs';
import { INSTRUMENT } from './trap-instrument.mjs';

async function inSandbox(mp, body) {
  const json = await mp.run(
    `(async function () { ${body} })().then(function (v) { return JSON.stringify(v === undefined ? null : v); })`,
  );
  return JSON.parse(json);
}

for (const profile of ['ios', 'android']) {
  test(`${profile}: a trap after an await (ConsentLog.load) is recorded; every later call is INTERNAL`, async (t) => {
    const pkg = makePackageRoot();
    t.after(pkg.cleanup);
    const mp = createMiniProgram({ profile, root: pkg.root });
    mp.run(INSTRUMENT);
    const r = await inSandbox(
      mp,
      `var m = require('mpshield');
       await m.init();
       var key = m.SigningKey.generate('EdDSA');
       var log = m.ConsentLog.create({ signingKey: key, origin: 'device.example/consent' });
       var store = m.storage.wx(wx);
       var storageKey = m.randomBytes(32);
       await log.save(store, storageKey, { timeoutMs: 5000 });
       __trap.throwOn(/consentlog_fromStore$/i, 'Maximum call stack size exceeded', 'RangeError');
       var code = await m.ConsentLog.load(store, storageKey, { signingKey: key, origin: 'device.example/consent' })
         .then(function () { return 'loaded'; }, function (e) { return e.code; });
       var after;
       try { m.version(); after = 'alive'; } catch (e) { after = e.code + ': ' + /no longer trusted/.test(e.message); }
       log.free();
       key.free();
       return [code, after];`,
    );
    assert.deepEqual(r, ['INTERNAL', 'INTERNAL: true']);
    assert.deepEqual(mp.log.warnings, []);
  });
}

test('mini-program bundle: after a trap, garbage collection never frees into the dead instance', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp-gc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const here = path.dirname(new URL(import.meta.url).pathname);
  const script = path.join(dir, 'gc.mjs');
  writeFileSync(script, `
import { createMiniProgram, makePackageRoot } from ${JSON.stringify(pathToFileURL(path.join(here, 'emulator.mjs')).href)};
import { INSTRUMENT } from ${JSON.stringify(pathToFileURL(path.join(here, 'trap-instrument.mjs')).href)};
const pkg = makePackageRoot();
try {
  const mp = createMiniProgram({ profile: 'android', root: pkg.root });
  mp.run(INSTRUMENT);
  await mp.run(\`
    var m = require('mpshield');
    globalThis.handles = function (n) {
      var out = [];
      for (var i = 0; i < n; i++) {
        var key = m.SigningKey.generate('EdDSA');
        out.push(key, m.ConsentLog.create({ signingKey: key, origin: 'device.example/consent' }));
      }
      return out;
    };
    m.init().then(function () { globalThis.live = handles(20); });
  \`);
  const collect = async () => {
    for (let i = 0; i < 20; i++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  mp.run('globalThis.live = null;');
  await collect();
  const before = mp.run('__trap.freeCalls');
  mp.run(\`
    globalThis.live = handles(20);
    __trap.throwOn(/^randomBytes$/, 'unreachable', 'RuntimeError');
    try { m.randomBytes(8); } catch (e) { if (e.code !== 'INTERNAL') throw e; }
    __trap.deadFree = true;
    globalThis.live = null;
  \`);
  await collect();
  console.log(JSON.stringify({ before, whileDead: mp.run('__trap.freeCallsWhileDead') }));
} finally {
  pkg.cleanup();
}
`);
  const r = spawnSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, `the process died: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.ok(out.before > 0, 'the control run shows the finalizers free()');
  assert.equal(out.whileDead, 0, 'no free() reached the dead instance');
});
