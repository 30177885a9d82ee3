// deriveStorageKey off the logic thread (README, "Long calls on iPhones"): the
// package's KDF Worker (dist/miniprogram-worker/: the Worker script, its
// main-thread end client.js and the Argon2id-only module) set up in an
// emulated code package as the README tells integrators — the script in the
// folder app.json's "workers" names, the module and client.js outside it —
// and run by the emulator's wx.createWorker in a real thread. The key is the
// in-thread key and @noble/hashes' Argon2id; the logic thread keeps running
// timers while Argon2 runs; refusals are INVALID_INPUT; a missing, misplaced
// or crashing Worker is a typed error within a bounded time; the PIN bytes
// are zeroed; calls take turns in one Worker at a time and leave none behind.
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { argon2id } from '@noble/hashes/argon2';
import { createMiniProgram, makePackageRoot, repoRoot } from './emulator.mjs';

const workerDist = path.join(repoRoot, 'pkg/dist/miniprogram-worker');
const SCRIPT = 'workers/mpshield-kdf/index.js';

/**
 * A code package after "build npm" plus the README's copy steps; `layout`
 * changes them to provoke the failures integrators will meet.
 */
function setUp(t, { profile = 'android', appJson = { pages: ['pages/index/index'], workers: 'workers' }, wasmAt = 'mpshield-kdf', script = true } = {}) {
  const pkg = makePackageRoot();
  t.after(pkg.cleanup);
  const root = pkg.root;
  if (appJson) writeFileSync(path.join(root, 'app.json'), JSON.stringify(appJson));
  mkdirSync(path.join(root, 'workers/mpshield-kdf'), { recursive: true });
  if (script) copyFileSync(path.join(workerDist, 'index.js'), path.join(root, SCRIPT));
  mkdirSync(path.join(root, 'mpshield-kdf'), { recursive: true });
  copyFileSync(path.join(workerDist, 'client.js'), path.join(root, 'mpshield-kdf/client.js'));
  if (wasmAt) {
    mkdirSync(path.join(root, wasmAt), { recursive: true });
    copyFileSync(path.join(workerDist, 'mpshield_kdf.wasm.br'), path.join(root, wasmAt, 'mpshield_kdf.wasm.br'));
  }
  const mp = createMiniProgram({ profile, root });
  t.after(() => {
    // No test may leave a thread behind.
    assert.equal(mp.activeWorker(), null, 'no Worker left running');
  });
  return { mp, root };
}

/** Runs an async function body in the sandbox (`m` = mpshield, `kdf` = client.js); returns its JSON-able result. */
async function inSandbox(mp, body) {
  const json = await mp.run(
    `(async function () {
      var m = require('mpshield');
      var kdf = require('/mpshield-kdf/client.js');
      function outcome(p) { return p.then(function () { return 'ok'; }, function (e) { return e instanceof m.MpShieldError ? e.code : 'NOT AN MpShieldError: ' + e; }); }
      function hex(b) { return Array.prototype.map.call(b, function (x) { return (x < 16 ? '0' : '') + x.toString(16); }).join(''); }
      ${body}
    })().then(function (v) { return JSON.stringify(v === undefined ? null : v); })`,
  );
  return JSON.parse(json);
}

const hex = (b) => Buffer.from(b).toString('hex');
const SALT = Array.from({ length: 16 }, (_, i) => i + 1);

for (const profile of ['ios', 'android']) {
  test(`${profile}: the Worker's key is the in-thread key and @noble/hashes' Argon2id (string and byte PINs, default and chosen parameters)`, async (t) => {
    const { mp } = setUp(t, { profile });
    const r = await inSandbox(
      mp,
      `
      var salt = new Uint8Array(${JSON.stringify(SALT)});
      var cases = [
        { pin: '246810' },
        { pin: '口令 🔑', params: { memoryKib: 1024, iterations: 2 } },
        { pin: new Uint8Array([0, 1, 2, 255]), params: { memoryKib: 256, iterations: 1, parallelism: 4 } },
      ];
      await m.init();
      var inThread = [];
      for (var i = 0; i < cases.length; i++) inThread.push(hex(await m.deriveStorageKey({ pin: cases[i].pin, salt: salt, params: cases[i].params })));
      await m.init({ kdfWorker: kdf('${SCRIPT}') });
      var inWorker = [], ms = [];
      for (var j = 0; j < cases.length; j++) {
        var started = Date.now();
        inWorker.push(hex(await m.deriveStorageKey({ pin: cases[j].pin, salt: salt, params: cases[j].params })));
        ms.push(Date.now() - started);
      }
      return { inThread: inThread, inWorker: inWorker, ms: ms };
      `,
    );
    assert.deepEqual(r.inWorker, r.inThread, 'the same key on both paths');
    const salt = Uint8Array.from(SALT);
    const noble = [
      argon2id('口令 🔑', salt, { m: 1024, t: 2, p: 1, dkLen: 32 }),
      argon2id(Uint8Array.from([0, 1, 2, 255]), salt, { m: 256, t: 1, p: 4, dkLen: 32 }),
    ].map(hex);
    assert.deepEqual(r.inWorker.slice(1), noble, 'an independent Argon2id agrees');
    t.diagnostic(`${profile}: deriveStorageKey in the Worker (Node's V8, wall time on the logic thread's clock): defaults ${r.ms[0]} ms, 1 MiB t=2 ${r.ms[1]} ms`);
  });
}

test('the logic thread stays responsive while the Worker runs Argon2 (timer gaps, against the in-thread path)', async (t) => {
  const { mp } = setUp(t);
  const r = await inSandbox(
    mp,
    `
    // A timer every 5 ms; the longest gap between two firings while a
    // derivation is pending says how long the logic thread was blocked.
    function watch(run) {
      var last = Date.now(), gap = 0, fired = 0;
      var h = setInterval(function () { var now = Date.now(); gap = Math.max(gap, now - last); last = now; fired++; }, 5);
      var started = Date.now();
      return run().then(function () {
        clearInterval(h);
        var now = Date.now();
        return { gap: Math.max(gap, now - last), fired: fired, ms: now - started };
      });
    }
    await m.init();
    var salt = m.randomBytes(16);
    var params = { memoryKib: 64 * 1024, iterations: 3 };
    var blocking = await watch(function () { return m.deriveStorageKey({ pin: '246810', salt: salt, params: params }); });
    await m.init({ kdfWorker: kdf('${SCRIPT}') });
    var worker = await watch(function () { return m.deriveStorageKey({ pin: '246810', salt: salt, params: params }); });
    return { blocking: blocking, worker: worker };
    `,
  );
  t.diagnostic(
    `64 MiB, t=3: in-thread ${r.blocking.ms} ms with a ${r.blocking.gap} ms gap (${r.blocking.fired} ticks); ` +
      `Worker ${r.worker.ms} ms with a longest gap of ${r.worker.gap} ms (${r.worker.fired} ticks)`,
  );
  // The measurement can see blocking: in-thread, one gap is the whole derivation.
  assert.ok(r.blocking.gap >= 0.8 * r.blocking.ms - 20, `in-thread gap ${r.blocking.gap} ms of ${r.blocking.ms} ms`);
  assert.ok(r.blocking.ms >= 150, `the derivation is long enough to tell (${r.blocking.ms} ms)`);
  // With the Worker the timer keeps firing: no gap near the derivation's length.
  assert.ok(r.worker.gap < Math.max(100, r.worker.ms / 4), `longest gap ${r.worker.gap} ms of ${r.worker.ms} ms`);
  assert.ok(r.worker.fired >= r.worker.ms / 5 / 4, `${r.worker.fired} ticks in ${r.worker.ms} ms`);
});

test('refusals from the Worker path are INVALID_INPUT, as in-thread; LIMITS are checked before any Worker starts', async (t) => {
  const { mp } = setUp(t);
  const r = await inSandbox(
    mp,
    `
    await m.init();
    var cases = [
      { pin: '', salt: m.randomBytes(16) },                                             // empty PIN: the module refuses
      { pin: '1234', salt: m.randomBytes(15) },                                         // short salt: the module refuses
      { pin: '1234', salt: m.randomBytes(16), params: { memoryKib: 16, parallelism: 4 } }, // under 8 × lanes KiB
    ];
    var limits = [{ iterations: 17 }, { memoryKib: 256 * 1024 + 1 }, { parallelism: 0 }, { iterations: 1.5 }];
    function run() {
      var out = [];
      return cases.reduce(function (p, c) {
        return p.then(function () {
          return m.deriveStorageKey(c).then(function () { out.push('ok'); }, function (e) { out.push(e.code + ': ' + e.message); });
        });
      }, Promise.resolve()).then(function () { return out; });
    }
    var inThread = await run();
    await m.init({ kdfWorker: kdf('${SCRIPT}') });
    var inWorker = await run();
    var bounded = [];
    for (var i = 0; i < limits.length; i++) bounded.push(await outcome(m.deriveStorageKey({ pin: '1', salt: m.randomBytes(16), params: limits[i] })));
    return { inThread: inThread, inWorker: inWorker, bounded: bounded };
    `,
  );
  for (let i = 0; i < r.inThread.length; i++) {
    assert.match(r.inWorker[i], /^INVALID_INPUT: invalid input: /, r.inWorker[i]);
    assert.match(r.inThread[i], /^INVALID_INPUT: /, r.inThread[i]);
  }
  assert.match(r.inWorker[0], /PIN or passphrase must not be empty/);
  assert.match(r.inWorker[1], /salt must be 16–64 random bytes/);
  assert.deepEqual(r.bounded, ['INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT']);
  // Three Workers for the three module refusals, none for the LIMITS ones.
  assert.equal(mp.log.workers.filter((e) => e.event === 'created').length, 3);
});

test('a missing, misplaced or unconfigured Worker, or a missing module, is WASM_LOAD_FAILED within a bounded time', async (t) => {
  const cases = [
    ['no Worker script', { script: false }, `kdf('${SCRIPT}', { timeoutMs: 300 })`],
    ['outside the workers folder', {}, `kdf('mpshield-kdf/client.js', { timeoutMs: 300 })`],
    ['app.json without "workers"', { appJson: { pages: ['pages/index/index'] } }, `kdf('${SCRIPT}', { timeoutMs: 300 })`],
    ['no module', { wasmAt: null }, `kdf('${SCRIPT}', { timeoutMs: 300 })`],
    ['the module inside the workers folder', { wasmAt: 'workers/mpshield-kdf' }, `kdf('${SCRIPT}', { timeoutMs: 300, wasmPath: '/workers/mpshield-kdf/mpshield_kdf.wasm.br' })`],
  ];
  for (const [what, layout, client] of cases) {
    const { mp } = setUp(t, layout);
    const r = await inSandbox(
      mp,
      `
      await m.init({ kdfWorker: ${client} });
      var started = Date.now();
      var e = await m.deriveStorageKey({ pin: '1234', salt: m.randomBytes(16) }).then(function () { return null; }, function (x) { return x; });
      return { code: e && e.code, message: e && e.message, ms: Date.now() - started, mp: e instanceof m.MpShieldError };
      `,
    );
    assert.equal(r.code, 'WASM_LOAD_FAILED', `${what}: ${r.message}`);
    assert.ok(r.mp, `${what}: an MpShieldError`);
    assert.ok(r.ms < 2000, `${what}: ${r.ms} ms`);
    assert.match(r.message, /Long calls on iPhones/, `${what}: the message points to the setup`);
    t.diagnostic(`${what}: ${r.ms} ms — ${r.message.slice(0, 160)}`);
  }
});

test('a Worker that crashes after it started, or that the system ends, is INVALID_STATE within a bounded time', async (t) => {
  const { mp, root } = setUp(t);
  // A Worker that says it started, then throws (its thread ends; the page hears nothing).
  mkdirSync(path.join(root, 'workers/crash'), { recursive: true });
  writeFileSync(
    path.join(root, 'workers/crash/index.js'),
    "worker.onMessage(function (m) { worker.postMessage({ mpshield: 'kdf', id: m.id, started: true }); throw new Error('boom'); });\n",
  );
  const crashed = await inSandbox(
    mp,
    `
    await m.init({ kdfWorker: kdf('workers/crash/index.js', { timeoutMs: 200 }) });
    var started = Date.now();
    var code = await outcome(m.deriveStorageKey({ pin: '1234', salt: m.randomBytes(16), params: { memoryKib: 64, iterations: 1 } }));
    return { code: code, ms: Date.now() - started };
    `,
  );
  assert.equal(crashed.code, 'INVALID_STATE');
  assert.ok(crashed.ms < 2000, `${crashed.ms} ms`);
  assert.ok(mp.log.workers.some((e) => e.event === 'crashed'), 'the emulated thread did crash');
  // onProcessKilled (iOS reclaims Workers under memory pressure): at once.
  const killed = mp.run(`
    var m = require('mpshield');
    m.init({ kdfWorker: require('/mpshield-kdf/client.js')('${SCRIPT}') }).then(function () {
      var started = Date.now();
      return m.deriveStorageKey({ pin: '1234', salt: m.randomBytes(16), params: { memoryKib: 128 * 1024, iterations: 8 } })
        .then(function () { return 'ok'; }, function (e) { return JSON.stringify({ code: e.code, ms: Date.now() - started }); });
    });
  `);
  for (let i = 0; i < 200 && mp.activeWorker() === null; i++) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 50));
  mp.killWorker();
  const k = JSON.parse(await killed);
  assert.equal(k.code, 'INVALID_STATE');
  assert.ok(k.ms < 3000, `${k.ms} ms`);
});

test('PIN bytes are zeroed once posted; calls take turns in one Worker each; options are checked', async (t) => {
  const { mp } = setUp(t);
  const r = await inSandbox(
    mp,
    `
    // Spy on what the client posts and hands over.
    var posted = [];
    var create = wx.createWorker;
    wx.createWorker = function (p) {
      var w = create(p);
      var post = w.postMessage;
      w.postMessage = function (msg) { posted.push(msg); post(msg); };
      return w;
    };
    var runner = kdf('${SCRIPT}');
    var given = [];
    await m.init({ kdfWorker: function (a) { given.push(a.pin); return runner(a); } });
    var salt = m.randomBytes(16);
    var pin = new Uint8Array([9, 8, 7, 6, 5, 4]);
    // Two at once: WeChat allows one Worker, so they take turns.
    var both = await Promise.all([
      m.deriveStorageKey({ pin: pin, salt: salt, params: { memoryKib: 256, iterations: 1 } }),
      m.deriveStorageKey({ pin: '135790', salt: salt, params: { memoryKib: 256, iterations: 1 } }),
    ]);
    var zeroed = posted.every(function (msg) { return msg.pin.every(function (b) { return b === 0; }); }) &&
      given.every(function (b) { return b.every(function (x) { return x === 0; }); });
    // Options: own properties only, checked.
    Object.prototype.timeoutMs = 1;
    var polluted = await outcome(m.init({ kdfWorker: kdf('${SCRIPT}') }).then(function () { return m.deriveStorageKey({ pin: '1', salt: salt, params: { memoryKib: 64, iterations: 1 } }); }));
    delete Object.prototype.timeoutMs;
    var bad = [];
    [function () { return kdf(); }, function () { return kdf('${SCRIPT}', { timeout: 5 }); }, function () { return kdf('${SCRIPT}', { timeoutMs: 0 }); },
     function () { return kdf('${SCRIPT}', { wasmPath: 'mpshield_kdf.wasm' }); }].forEach(function (f) {
      try { f(); bad.push('ok'); } catch (e) { bad.push(e.name + ' ' + e.code); }
    });
    bad.push(await outcome(m.init({ kdfWorker: '${SCRIPT}' })));
    return {
      keys: both.map(hex), salt: hex(salt), zeroed: zeroed, posts: posted.length, callerPin: Array.prototype.slice.call(pin),
      polluted: polluted, bad: bad,
    };
    `,
  );
  assert.equal(r.posts, 3, 'two turns, then the polluted-prototype call');
  assert.ok(r.zeroed, 'the posted copies and the copies handed to the Worker client are zero');
  assert.deepEqual(r.callerPin, [9, 8, 7, 6, 5, 4], "the caller's own buffer is left alone (deriveStorageKey copied it)");
  const salt = Uint8Array.from(Buffer.from(r.salt, 'hex'));
  assert.deepEqual(r.keys, [
    hex(argon2id(Uint8Array.from([9, 8, 7, 6, 5, 4]), salt, { m: 256, t: 1, p: 1, dkLen: 32 })),
    hex(argon2id('135790', salt, { m: 256, t: 1, p: 1, dkLen: 32 })),
  ], 'each call got its own key');
  assert.equal(r.polluted, 'ok', 'a polluted Object.prototype.timeoutMs is not read');
  assert.deepEqual(r.bad, [
    'MpShieldError INVALID_INPUT',
    'MpShieldError INVALID_INPUT',
    'MpShieldError INVALID_INPUT',
    'MpShieldError INVALID_INPUT',
    'INVALID_INPUT',
  ]);
  const created = mp.log.workers.filter((e) => e.event === 'created').length;
  const ended = mp.log.workers.filter((e) => e.event === 'terminated').length;
  assert.equal(created, 3);
  assert.equal(ended, created, 'every Worker is ended after its answer');
});
